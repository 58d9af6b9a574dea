package mimic

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// LabelRow is one row of mimic-cxr-2.0.0-chexpert.csv or -negbio.csv: one
// study and its label values.
type LabelRow struct {
	Line      int
	SubjectID string
	StudyID   string
	Subject   uint64
	Study     uint64
	// Values holds the label values verbatim, aligned with
	// LabelsReader.Names. Common spellings are interned so a million rows
	// share a handful of strings.
	Values []string
	Err    *RowError
}

// LabelsReader streams a MIMIC label CSV: subject_id, study_id and label
// columns, all located by name.
type LabelsReader struct {
	t              *table
	subject, study int
	labelCols      []int
	names          []string
	seen           map[[2]uint64]int
}

// OpenLabels opens a chexpert or negbio CSV (plain or gzip). Every column
// other than subject_id and study_id is a label column.
func OpenLabels(path string) (*LabelsReader, error) {
	return openWith(path, NewLabelsReader)
}

// NewLabelsReader reads a label CSV from src (plain or gzip), naming it name in
// errors. Closing the reader closes src when it is an io.Closer.
func NewLabelsReader(name string, src io.Reader) (*LabelsReader, error) {
	t, err := newTable(name, asReadCloser(src), true)
	if err != nil {
		return nil, err
	}
	l := &LabelsReader{t: t, seen: make(map[[2]uint64]int)}
	if err := t.locate(colRef{"subject_id", &l.subject}, colRef{"study_id", &l.study}); err != nil {
		return nil, err
	}
	for i, name := range t.header {
		if i != l.subject && i != l.study {
			l.labelCols = append(l.labelCols, i)
			l.names = append(l.names, name)
		}
	}
	return l, nil
}

// Names returns the label column names in file order.
func (l *LabelsReader) Names() []string { return l.names }

// Path returns the file being read.
func (l *LabelsReader) Path() string { return l.t.path }

// Next returns the next row or io.EOF. Bad ids, a second row for the same
// study, or a value that is not empty, 1, 0 or -1 (in any decimal
// spelling, e.g. "1.0") come back in LabelRow.Err.
func (l *LabelsReader) Next() (LabelRow, error) {
	rec, err := l.t.next()
	if err != nil {
		return LabelRow{}, err
	}
	row := LabelRow{Line: l.t.line, SubjectID: rec[l.subject], StudyID: rec[l.study]}
	if row.Err = checkIDs(l.t.path, row.Line, false, "", row.SubjectID, row.StudyID, &row.Subject, &row.Study); row.Err != nil {
		return row, nil
	}
	row.Values = make([]string, len(l.labelCols))
	for k, c := range l.labelCols {
		v, ok := internLabel(rec[c])
		if !ok {
			row.Err = &RowError{File: l.t.path, Line: row.Line, SubjectID: row.SubjectID, StudyID: row.StudyID,
				Reason: ReasonBadLabel, Detail: fmt.Sprintf("column %q: value %q is not empty, 1, 0 or -1", l.names[k], rec[c])}
			row.Values = nil
			return row, nil
		}
		row.Values[k] = v
	}
	key := [2]uint64{row.Subject, row.Study}
	if first, dup := l.seen[key]; dup {
		row.Err = &RowError{File: l.t.path, Line: row.Line, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Reason: ReasonDuplicate, Detail: fmt.Sprintf("second row for study %s (first on line %d)", row.StudyID, first)}
		row.Values = nil
		return row, nil
	}
	l.seen[key] = row.Line
	return row, nil
}

// ReadAll drains the reader into fn, stopping at the first error.
func (l *LabelsReader) ReadAll(fn func(LabelRow) error) error {
	return readAll(l.Next, fn)
}

// Close closes the underlying file.
func (l *LabelsReader) Close() error { return l.t.close() }

// internLabel returns v verbatim (as a shared constant for the usual
// spellings) when it is a valid label value.
func internLabel(v string) (string, bool) {
	switch v {
	case "":
		return "", true
	case "1.0":
		return "1.0", true
	case "0.0":
		return "0.0", true
	case "-1.0":
		return "-1.0", true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || (f != 1 && f != 0 && f != -1) {
		return "", false
	}
	return strings.Clone(v), true
}
