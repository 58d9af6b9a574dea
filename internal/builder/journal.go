package builder

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"time"
)

// Entry statuses in the journal.
const (
	// StatusOK marks an image whose two outputs were written.
	StatusOK = "ok"
	// StatusExcluded marks an image the build left out, with a reason.
	StatusExcluded = "excluded"
)

// FileSum identifies one output file by size and content hash.
type FileSum struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Stamp identifies the version of an input file a journal entry was made
// from: its size and modification time. A resumed run redoes an image
// whose original no longer matches (replaced, rewritten, or another tree
// built into the same --out).
type Stamp struct {
	Size  int64 `json:"size"`
	MTime int64 `json:"mtime_ns"`
}

// stampOf returns path's stamp, nil when it cannot be stat'ed.
func stampOf(path string) *Stamp {
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return &Stamp{Size: st.Size(), MTime: st.ModTime().UnixNano()}
}

// sameStamp reports whether two stamps name the same file version (two
// missing files count as the same).
func sameStamp(a, b *Stamp) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Entry is one journal line: the outcome of one image.
type Entry struct {
	DicomID string   `json:"id"`
	Status  string   `json:"status"`
	Reason  string   `json:"reason,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Note    string   `json:"note,omitempty"`
	QA      *QA      `json:"qa,omitempty"`
	Seg     *FileSum `json:"seg,omitempty"`
	Mask    *FileSum `json:"mask,omitempty"`
	// Src is the stamp of the original when the image was processed.
	Src *Stamp `json:"src,omitempty"`
	// Width and Height are the outputs' size (0: 224x224, entries of
	// earlier versions).
	Width  int `json:"w,omitempty"`
	Height int `json:"h,omitempty"`
}

// Journal is an append-only record of completed images. Each line is
// "<crc32c hex> <json>\n" so a line torn by a crash (SIGKILL mid-write,
// power loss) is recognised and dropped on the next open. Lines reach the
// kernel with one write each, so a killed process loses none it wrote;
// fsync runs in batches, because a line lost to power failure only costs
// redoing that image (outputs are validated on resume).
type Journal struct {
	path      string
	f         *os.File
	buf       []byte
	unsynced  int
	lastSync  time.Time
	syncEvery int
	syncAfter time.Duration
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// encodeLine appends the journal line for e to dst.
func encodeLine(dst []byte, e *Entry) ([]byte, error) {
	js, err := json.Marshal(e)
	if err != nil {
		return dst, fmt.Errorf("journal entry %s: %w", e.DicomID, err)
	}
	dst = fmt.Appendf(dst, "%08x ", crc32.Checksum(js, crcTable))
	dst = append(dst, js...)
	return append(dst, '\n'), nil
}

// decodeLine parses one line (without its newline); ok is false when the
// line is torn or corrupt.
func decodeLine(line []byte) (Entry, bool) {
	var e Entry
	if len(line) < 10 || line[8] != ' ' {
		return e, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil {
		return e, false
	}
	js := line[9:]
	if crc32.Checksum(js, crcTable) != uint32(sum) {
		return e, false
	}
	if json.Unmarshal(js, &e) != nil || e.DicomID == "" {
		return e, false
	}
	return e, true
}

// JournalContents is what ReadJournal found in a journal file.
type JournalContents struct {
	// Entries in file order; an image may appear more than once (a resumed
	// run redoes an image whose outputs were invalid); the last one counts.
	Entries []Entry
	// Dropped counts corrupt or torn lines that were skipped.
	Dropped int
	// ValidEnd is the byte offset just after the last valid line.
	ValidEnd int64
}

// ReadJournal reads a journal file. A missing file is an empty journal.
func ReadJournal(path string) (JournalContents, error) {
	var c JournalContents
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var off int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			off += int64(len(line))
			complete := line[len(line)-1] == '\n'
			if e, ok := decodeLine(bytes.TrimSuffix(line, []byte{'\n'})); ok && complete {
				c.Entries = append(c.Entries, e)
				c.ValidEnd = off
			} else {
				c.Dropped++
			}
		}
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, fmt.Errorf("read journal %s: %w", path, err)
		}
	}
}

// Latest returns the last entry per dicom_id.
func (c JournalContents) Latest() map[string]Entry {
	m := make(map[string]Entry, len(c.Entries))
	for _, e := range c.Entries {
		m[e.DicomID] = e
	}
	return m
}

// OpenJournal opens path for appending after its last valid line (a torn
// tail is cut off so new lines start clean). With fresh set, the journal
// is emptied first.
func OpenJournal(path string, fresh bool) (*Journal, JournalContents, error) {
	var c JournalContents
	if !fresh {
		var err error
		if c, err = ReadJournal(path); err != nil {
			return nil, c, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, c, fmt.Errorf("open journal: %w", err)
	}
	if err := f.Truncate(c.ValidEnd); err != nil {
		f.Close()
		return nil, c, fmt.Errorf("truncate journal %s: %w", path, err)
	}
	if _, err := f.Seek(c.ValidEnd, io.SeekStart); err != nil {
		f.Close()
		return nil, c, fmt.Errorf("seek journal %s: %w", path, err)
	}
	j := &Journal{path: path, f: f, lastSync: time.Now(), syncEvery: 256, syncAfter: 2 * time.Second}
	return j, c, nil
}

// Append writes e as one line and syncs when the batch is full or old.
func (j *Journal) Append(e *Entry) error {
	var err error
	j.buf, err = encodeLine(j.buf[:0], e)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(j.buf); err != nil {
		return fmt.Errorf("write journal %s: %w", j.path, err)
	}
	j.unsynced++
	if j.unsynced >= j.syncEvery || time.Since(j.lastSync) >= j.syncAfter {
		return j.Sync()
	}
	return nil
}

// Sync forces the written lines to stable storage.
func (j *Journal) Sync() error {
	if j.unsynced == 0 {
		return nil
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sync journal %s: %w", j.path, err)
	}
	j.unsynced = 0
	j.lastSync = time.Now()
	return nil
}

// Close syncs and closes the journal.
func (j *Journal) Close() error {
	err := j.Sync()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close journal %s: %w", j.path, cerr)
	}
	return err
}
