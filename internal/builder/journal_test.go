package builder

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func testEntries() []Entry {
	return []Entry{
		{DicomID: "a1", Status: StatusOK, QA: &QA{Fields: []string{"0.9312", "0.3000", "2", "7000", "8000", "0.8750", "1 2 3 4", "", "one_lung"}},
			Seg: &FileSum{Size: 10, SHA256: "ab"}, Mask: &FileSum{Size: 5, SHA256: "cd"}},
		{DicomID: "b2", Status: StatusExcluded, Reason: ReasonCorrupt, Detail: "bad \"marker\"\nline"},
		{DicomID: "c3", Status: StatusOK, Note: "converted from RGB", QA: &QA{}, Seg: &FileSum{Size: 1}, Mask: &FileSum{Size: 2}},
	}
}

func TestJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal")
	j, c, err := OpenJournal(path, false)
	if err != nil || len(c.Entries) != 0 {
		t.Fatalf("open new: %v, %d entries", err, len(c.Entries))
	}
	want := testEntries()
	for i := range want {
		if err := j.Append(&want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dropped != 0 || !reflect.DeepEqual(got.Entries, want) {
		t.Fatalf("round trip: dropped %d\n got %+v\nwant %+v", got.Dropped, got.Entries, want)
	}
}

// TestJournalTornTail cuts the file at many byte offsets, as a crash
// could, and checks that exactly the complete lines survive and that
// appending after reopening yields a clean journal.
func TestJournalTornTail(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	j, _, err := OpenJournal(full, true)
	if err != nil {
		t.Fatal(err)
	}
	es := testEntries()
	var ends []int64
	var off int64
	for i := range es {
		line, _ := encodeLine(nil, &es[i])
		off += int64(len(line))
		ends = append(ends, off)
		if err := j.Append(&es[i]); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// Every cut near a line end, and a stride through the lines (each
	// reopen fsyncs, so every byte would make the test slow).
	cuts := map[int]bool{len(data): true}
	for c := 0; c < len(data); c += 11 {
		cuts[c] = true
	}
	for _, e := range ends {
		for d := -3; d <= 1; d++ {
			if c := int(e) + d; c >= 0 && c <= len(data) {
				cuts[c] = true
			}
		}
	}
	for cut := range cuts {
		path := filepath.Join(dir, "cut")
		if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		complete := 0
		for _, e := range ends {
			if int64(cut) >= e {
				complete++
			}
		}
		j, c, err := OpenJournal(path, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Entries) != complete {
			t.Fatalf("cut at %d: %d entries, want %d", cut, len(c.Entries), complete)
		}
		extra := Entry{DicomID: "z9", Status: StatusExcluded, Reason: ReasonZeroByte}
		if err := j.Append(&extra); err != nil {
			t.Fatal(err)
		}
		j.Close()
		c2, err := ReadJournal(path)
		if err != nil {
			t.Fatal(err)
		}
		if c2.Dropped != 0 || len(c2.Entries) != complete+1 || c2.Entries[complete].DicomID != "z9" {
			t.Fatalf("cut at %d then append: %d entries, %d dropped", cut, len(c2.Entries), c2.Dropped)
		}
	}
}

func TestJournalCorruptLineDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	es := testEntries()
	var data []byte
	for i := range es {
		data, _ = encodeLine(data, &es[i])
	}
	// Flip one byte inside the second line's JSON: its CRC no longer matches.
	l0, _ := encodeLine(nil, &es[0])
	data[len(l0)+15] ^= 0x20
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dropped != 1 || len(c.Entries) != 2 || c.Entries[1].DicomID != "c3" {
		t.Fatalf("got %d entries, %d dropped", len(c.Entries), c.Dropped)
	}
	latest := c.Latest()
	if _, ok := latest["b2"]; ok {
		t.Fatal("corrupt entry b2 kept")
	}
}

func FuzzDecodeLine(f *testing.F) {
	for _, e := range testEntries() {
		line, _ := encodeLine(nil, &e)
		f.Add(line[:len(line)-1])
	}
	f.Add([]byte("00000000 {}"))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, ok := decodeLine(line)
		if !ok {
			return
		}
		// A line that validates must re-encode to a line that validates.
		again, err := encodeLine(nil, &e)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := decodeLine(again[:len(again)-1]); !ok {
			t.Fatalf("re-encoded line does not validate: %q", again)
		}
	})
}
