package mimic

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"
)

// table reads one CSV file with a header row, locating columns by name.
type table struct {
	path   string
	rc     io.ReadCloser
	r      *csv.Reader
	header []string
	index  map[string]int
	line   int // line on which the last record returned by next starts
}

// newTable reads the header of src (plain or gzip), named path in errors.
// reuse asks encoding/csv to reuse the record slice between rows; callers
// that keep a row's fields must pass false. Closing the table closes src.
func newTable(path string, src io.ReadCloser, reuse bool) (*table, error) {
	rc, err := decompress(path, src)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(rc)
	r.ReuseRecord = reuse
	// FieldsPerRecord 0: the header fixes the count, and every later row
	// with another count is an error naming its line.
	r.FieldsPerRecord = 0
	h, err := r.Read()
	if err != nil {
		rc.Close()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: empty file, no header", path)
		}
		return nil, fmt.Errorf("read %s: header: %w", path, err)
	}
	header := make([]string, len(h))
	index := make(map[string]int, len(h))
	for i, name := range h {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // a BOM some tools add
		}
		name = strings.TrimSpace(name)
		if _, dup := index[name]; dup {
			rc.Close()
			return nil, fmt.Errorf("read %s: line 1: column %q appears twice", path, name)
		}
		header[i] = name
		index[name] = i
	}
	return &table{path: path, rc: rc, r: r, header: header, index: index, line: 1}, nil
}

// col returns the index of the named column, or an error naming the file
// and listing the header when the column is absent.
func (t *table) col(name string) (int, error) {
	i, ok := t.index[name]
	if !ok {
		have := strings.Join(t.header, ",")
		if len(have) > 300 { // a binary file read as CSV has a silly header
			have = have[:300] + "..."
		}
		return 0, fmt.Errorf("read %s: line 1: missing column %q (header has %s)", t.path, name, have)
	}
	return i, nil
}

// colRef asks locate for the index of column name, stored in *dst.
type colRef struct {
	name string
	dst  *int
}

// locate finds every column asked for. On a missing one it closes the
// table (the reader is never returned) and gives col's error.
func (t *table) locate(cols ...colRef) error {
	for _, c := range cols {
		i, err := t.col(c.name)
		if err != nil {
			t.close()
			return err
		}
		*c.dst = i
	}
	return nil
}

// next returns the next record, io.EOF at the end, or an error naming the
// file and line.
func (t *table) next() ([]string, error) {
	rec, err := t.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				// encoding/csv returns the row along with ErrFieldCount.
				return nil, fmt.Errorf("read %s: line %d: wrong number of fields: %d, header has %d", t.path, pe.StartLine, len(rec), len(t.header))
			}
			return nil, fmt.Errorf("read %s: line %d: %w", t.path, pe.StartLine, pe.Err)
		}
		return nil, fmt.Errorf("read %s: after line %d: %w", t.path, t.line, err)
	}
	t.line, _ = t.r.FieldPos(0)
	return rec, nil
}

func (t *table) close() error { return t.rc.Close() }

// RowError describes a row whose ids cannot be used (non-numeric or
// non-canonical subject_id or study_id, an unsafe dicom_id, a duplicate, an
// unknown split or label value). The row itself parsed; the caller decides
// whether to record it as an exclusion or stop.
type RowError struct {
	File      string // path of the CSV
	Line      int    // 1-based line where the row starts
	DicomID   string // raw values as read, possibly invalid
	SubjectID string
	StudyID   string
	Reason    string // a short machine-readable reason, e.g. "bad_id"
	Detail    string // what is wrong, for people
}

// Reasons used in RowError.Reason.
const (
	ReasonBadID     = "bad_id"
	ReasonDuplicate = "duplicate"
	ReasonBadSplit  = "bad_split"
	ReasonBadLabel  = "bad_label"
	ReasonBadText   = "bad_text"
)

// Error gives "file: line N: detail".
func (e *RowError) Error() string {
	return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Detail)
}

// openWith opens path and hands it to newReader (one of the NewXReader
// functions), which owns the file from then on.
func openWith[R any](path string, newReader func(name string, src io.Reader) (R, error)) (R, error) {
	f, err := safeio.Open(path)
	if err != nil {
		var zero R
		return zero, fmt.Errorf("open %s: %w", path, err)
	}
	return newReader(path, f)
}

// readAll drains a reader's next function into fn, stopping at the first
// error from either; io.EOF ends it without an error.
func readAll[R any](next func() (R, error), fn func(R) error) error {
	for {
		row, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// asReadCloser gives r a Close method that closes it when it can.
func asReadCloser(r io.Reader) io.ReadCloser {
	if rc, ok := r.(io.ReadCloser); ok {
		return rc
	}
	return io.NopCloser(r)
}
