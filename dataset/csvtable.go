package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// table reads a CSV file that starts with a header row and gives access to
// cells by column name, so that files whose columns are reordered (label
// columns in the labeler's order, say) read the same. Errors name the file,
// the data row (1-based, header excluded) and the line it starts on.
type table struct {
	name   string // file name used in errors
	r      *csv.Reader
	header []string
	cols   map[string]int
	row    []string
	n      int   // data rows read so far
	off    int64 // byte offset of the current row in the file
}

// utf8BOM is stripped from the first header cell: spreadsheet programs
// write it and it would otherwise hide the first column's name.
const utf8BOM = "\ufeff"

// newTable reads the header of r and checks that every required column is
// present exactly once.
func newTable(name string, r io.Reader, required ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, want a header row", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	header = append([]string(nil), header...)
	header[0] = strings.TrimPrefix(header[0], utf8BOM)
	cols := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("%s: header: column %q appears twice", name, h)
		}
		cols[h] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return nil, fmt.Errorf("%s: header: missing column %q (have %s)", name, c, strings.Join(header, ","))
		}
	}
	// Every data row must have the header's field count; csv.Reader
	// enforces it once FieldsPerRecord is set.
	cr.FieldsPerRecord = len(header)
	return &table{name: name, r: cr, header: header, cols: cols}, nil
}

// next advances to the next data row. It returns false at the end of the
// file; a malformed row is an error naming the row and line.
func (t *table) next() (bool, error) {
	t.off = t.r.InputOffset()
	row, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	t.n++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, fmt.Errorf("%s: row %d (line %d): %w", t.name, t.n, pe.StartLine, pe.Err)
		}
		return false, fmt.Errorf("%s: row %d: %w", t.name, t.n, err)
	}
	t.row = row
	return true, nil
}

// each calls fn for every data row in turn (fn reads it through get, row
// and errorf), stopping at the first error from the file or from fn.
func (t *table) each(fn func() error) error {
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
	}
}

// uniqueID returns the current row's dicom_id after checking its form and
// that seen, the rows kept so far keyed by dicom_id, does not hold it yet.
// The caller records it.
func uniqueID[V any](t *table, seen map[string]V) (string, error) {
	id := t.get(colDicomID)
	if err := checkDicomID(id); err != nil {
		return "", t.errorf("%v", err)
	}
	if _, dup := seen[id]; dup {
		return "", t.errorf("duplicate dicom_id %q", id)
	}
	return id, nil
}

// has reports whether the file has the column.
func (t *table) has(col string) bool {
	_, ok := t.cols[col]
	return ok
}

// get returns the cell of the current row in the named column, or "" when
// the file has no such column (only optional columns are read this way).
func (t *table) get(col string) string {
	i, ok := t.cols[col]
	if !ok {
		return ""
	}
	return t.row[i]
}

// rowCopy returns a copy of the current row's cells (the reader reuses its
// slice).
func (t *table) rowCopy() []string {
	return append([]string(nil), t.row...)
}

// errorf returns an error naming the file, the current data row and the
// line it starts on.
func (t *table) errorf(format string, args ...any) error {
	line, _ := t.r.FieldPos(0)
	return fmt.Errorf("%s: row %d (line %d): %s", t.name, t.n, line, fmt.Sprintf(format, args...))
}
