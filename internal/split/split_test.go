package split

import (
	"fmt"
	"reflect"
	"testing"
)

// TestRNGGolden pins SplitMix64's output: the reference values for seed 0
// from Vigna's splitmix64.c. A change here would silently change every
// published split.
func TestRNGGolden(t *testing.T) {
	r := newRNG(0)
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	for i, w := range want {
		if got := r.next(); got != w {
			t.Fatalf("output %d = %#x, want %#x", i, got, w)
		}
	}
}

func TestIntnUniformAndInRange(t *testing.T) {
	r := newRNG(7)
	const n, draws = 10, 100000
	var counts [n]int
	for i := 0; i < draws; i++ {
		v := r.intn(n)
		if v >= n {
			t.Fatalf("intn(%d) = %d", n, v)
		}
		counts[v]++
	}
	for v, c := range counts {
		if c < draws/n*9/10 || c > draws/n*11/10 {
			t.Errorf("value %d drawn %d times of %d, far from uniform", v, c, draws)
		}
	}
}

func makeItems(n, perPatient int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{DicomID: fmt.Sprintf("d%07d", i), Subject: fmt.Sprintf("%d", 10000000+i/perPatient)}
	}
	return items
}

func TestTargetsCXLSegCounts(t *testing.T) {
	tests := []struct{ n, train, val, test int }{
		{243324, 194660, 24332, 24332},
		{0, 0, 0, 0},
		{9, 9, 0, 0},
		{10, 8, 1, 1},
		{19, 17, 1, 1},
		{20, 16, 2, 2},
	}
	for _, tc := range tests {
		tr, v, te := Targets(tc.n)
		if tr != tc.train || v != tc.val || te != tc.test {
			t.Errorf("Targets(%d) = %d/%d/%d, want %d/%d/%d", tc.n, tr, v, te, tc.train, tc.val, tc.test)
		}
	}
}

// TestCXLSegModePublishedCounts runs the full-size assignment: N = 243,324
// must give CXLSeg's published 194,660 / 24,332 / 24,332.
func TestCXLSegModePublishedCounts(t *testing.T) {
	items := makeItems(243324, 3)
	got, err := Assign(items, ModeCXLSeg, DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	c := Count(got)
	if c[Train] != 194660 || c[Validate] != 24332 || c[Test] != 24332 || len(c) != 3 {
		t.Fatalf("counts %v, want train 194660, validate 24332, test 24332", c)
	}
}

func TestDeterministicAndOrderIndependent(t *testing.T) {
	items := makeItems(5000, 4)
	for _, mode := range []Mode{ModeCXLSeg, ModePatient} {
		a, err := Assign(items, mode, 42)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Assign(items, mode, 42)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: same seed gave different splits", mode)
		}
		// Reverse the input: each dicom_id must keep its split.
		rev := make([]Item, len(items))
		for i := range items {
			rev[len(items)-1-i] = items[i]
		}
		r, _ := Assign(rev, mode, 42)
		for i := range items {
			if a[i] != r[len(items)-1-i] {
				t.Fatalf("%s: split of %s depends on input order", mode, items[i].DicomID)
			}
		}
		c, _ := Assign(items, mode, 43)
		if reflect.DeepEqual(a, c) {
			t.Fatalf("%s: seeds 42 and 43 gave the same split", mode)
		}
	}
}

// TestSeedGolden pins the assignment of a small input, so a change to the
// shuffle is noticed.
func TestSeedGolden(t *testing.T) {
	items := makeItems(20, 1)
	got, _ := Assign(items, ModeCXLSeg, DefaultSeed)
	var v, te []string
	for i, s := range got {
		switch s {
		case Validate:
			v = append(v, items[i].DicomID)
		case Test:
			te = append(te, items[i].DicomID)
		}
	}
	t.Logf("validate %v test %v", v, te)
	if len(v) != 2 || len(te) != 2 {
		t.Fatalf("validate %v test %v", v, te)
	}
	wantV, wantT := []string{"d0000004", "d0000008"}, []string{"d0000002", "d0000011"}
	if !reflect.DeepEqual(v, wantV) || !reflect.DeepEqual(te, wantT) {
		t.Fatalf("validate %v test %v, want %v %v", v, te, wantV, wantT)
	}
}

func TestPatientModeNoLeak(t *testing.T) {
	// Uneven patients: 1 to 7 images each.
	var items []Item
	for p := 0; len(items) < 3000; p++ {
		for k := 0; k <= p%7; k++ {
			items = append(items, Item{DicomID: fmt.Sprintf("p%d-%d", p, k), Subject: fmt.Sprintf("%d", 10000000+p)})
		}
	}
	got, err := Assign(items, ModePatient, 1)
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]string{}
	for i, it := range items {
		if w, ok := where[it.Subject]; ok && w != got[i] {
			t.Fatalf("patient %s in %s and %s", it.Subject, w, got[i])
		}
		where[it.Subject] = got[i]
	}
	c := Count(got)
	_, nv, nt := Targets(len(items))
	for name, target := range map[string]int{Validate: nv, Test: nt} {
		if c[name] < target || c[name] > target+7 {
			t.Errorf("%s has %d images, want %d..%d", name, c[name], target, target+7)
		}
	}
	if c[Train]+c[Validate]+c[Test] != len(items) {
		t.Errorf("counts %v do not add up to %d", c, len(items))
	}
}

func TestOfficialMode(t *testing.T) {
	items := []Item{{DicomID: "a", Official: Train}, {DicomID: "b", Official: Test}, {DicomID: "c", Official: Validate}}
	got, err := Assign(items, ModeOfficial, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{Train, Test, Validate}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for _, bad := range []string{"", "dev"} {
		items[1].Official = bad
		if _, err := Assign(items, ModeOfficial, 0); err == nil {
			t.Errorf("official split %q accepted", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := Assign([]Item{{DicomID: "a"}, {DicomID: "a"}}, ModeCXLSeg, 0); err == nil {
		t.Error("duplicate dicom_id accepted")
	}
	if _, err := Assign(nil, "random", 0); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := ParseMode("nope"); err == nil {
		t.Error("ParseMode accepted nope")
	}
	for _, m := range []string{"cxlseg", "patient", "official"} {
		if _, err := ParseMode(m); err != nil {
			t.Errorf("ParseMode(%q): %v", m, err)
		}
	}
}

func BenchmarkAssignCXLSeg243k(b *testing.B) {
	items := makeItems(243324, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assign(items, ModeCXLSeg, DefaultSeed); err != nil {
			b.Fatal(err)
		}
	}
}
