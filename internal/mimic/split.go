package mimic

import (
	"fmt"
	"io"
	"strings"
)

// Split names used by MIMIC-CXR-JPG and CXLSeg.
const (
	Train    = "train"
	Validate = "validate"
	Test     = "test"
)

// SplitRow is one row of mimic-cxr-2.0.0-split.csv.
type SplitRow struct {
	Line      int
	DicomID   string
	SubjectID string
	StudyID   string
	Subject   uint64
	Study     uint64
	Split     string // train, validate or test (interned)
	Err       *RowError
}

// SplitReader streams mimic-cxr-2.0.0-split.csv (dicom_id, study_id,
// subject_id, split; located by name).
type SplitReader struct {
	t                            *table
	dicom, subject, study, split int
	seen                         map[string]int
}

// OpenSplit opens a split CSV (plain or gzip) and checks its columns.
func OpenSplit(path string) (*SplitReader, error) {
	return openWith(path, NewSplitReader)
}

// NewSplitReader reads a split CSV from src (plain or gzip), naming it name in
// errors. Closing the reader closes src when it is an io.Closer.
func NewSplitReader(name string, src io.Reader) (*SplitReader, error) {
	t, err := newTable(name, asReadCloser(src), true)
	if err != nil {
		return nil, err
	}
	s := &SplitReader{t: t, seen: make(map[string]int)}
	if err := t.locate(colRef{"dicom_id", &s.dicom}, colRef{"subject_id", &s.subject}, colRef{"study_id", &s.study}, colRef{"split", &s.split}); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the file being read.
func (s *SplitReader) Path() string { return s.t.path }

// Next returns the next row or io.EOF. Bad ids, a duplicate dicom_id or a
// split other than train/validate/test come back in SplitRow.Err.
func (s *SplitReader) Next() (SplitRow, error) {
	rec, err := s.t.next()
	if err != nil {
		return SplitRow{}, err
	}
	// The strings of a record share one line buffer. DicomID is copied
	// because the reader keeps it (duplicate check) and callers key maps
	// by it; the other strings live as long as the caller keeps them.
	row := SplitRow{Line: s.t.line, DicomID: strings.Clone(rec[s.dicom]), SubjectID: rec[s.subject], StudyID: rec[s.study]}
	if row.Err = checkIDs(s.t.path, row.Line, true, row.DicomID, row.SubjectID, row.StudyID, &row.Subject, &row.Study); row.Err != nil {
		return row, nil
	}
	switch v := rec[s.split]; v {
	case Train:
		row.Split = Train
	case Validate:
		row.Split = Validate
	case Test:
		row.Split = Test
	default:
		row.Err = &RowError{File: s.t.path, Line: row.Line, DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Reason: ReasonBadSplit, Detail: fmt.Sprintf("split %q is not train, validate or test", v)}
		return row, nil
	}
	if first, dup := s.seen[row.DicomID]; dup {
		row.Err = &RowError{File: s.t.path, Line: row.Line, DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Reason: ReasonDuplicate, Detail: fmt.Sprintf("duplicate dicom_id %q (first on line %d)", row.DicomID, first)}
		return row, nil
	}
	s.seen[row.DicomID] = row.Line
	return row, nil
}

// ReadAll drains the reader into fn, stopping at the first error.
func (s *SplitReader) ReadAll(fn func(SplitRow) error) error {
	return readAll(s.Next, fn)
}

// Close closes the underlying file.
func (s *SplitReader) Close() error { return s.t.close() }
