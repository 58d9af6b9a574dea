package mimic

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Names of MIMIC-CXR-JPG files, without the optional .gz.
const (
	MetadataName       = "mimic-cxr-2.0.0-metadata.csv"
	SplitName          = "mimic-cxr-2.0.0-split.csv"
	CheXpertName       = "mimic-cxr-2.0.0-chexpert.csv"
	NegBioName         = "mimic-cxr-2.0.0-negbio.csv"
	ImageFilenamesName = "IMAGE_FILENAMES"
)

// MetadataRow is one row of mimic-cxr-2.0.0-metadata.csv.
type MetadataRow struct {
	Line         int    // 1-based line where the row starts
	DicomID      string // raw column values
	SubjectID    string
	StudyID      string
	Subject      uint64 // parsed ids; zero when Err is set
	Study        uint64
	ViewPosition string
	// Fields holds every column in header order. It is not reused by the
	// reader, so the caller may keep it.
	Fields []string
	// Err is non-nil when the row's ids are unusable (ReasonBadID) or its
	// dicom_id was seen before (ReasonDuplicate).
	Err *RowError
}

// MetadataReader streams mimic-cxr-2.0.0-metadata.csv. It remembers the
// dicom_ids it has seen (to report duplicates), so its memory grows with
// the number of rows, never with image bytes.
type MetadataReader struct {
	t                           *table
	dicom, subject, study, view int
	seen                        map[string]int // dicom_id -> line of first occurrence
}

// OpenMetadata opens a metadata CSV (plain or gzip) and checks that the
// columns dicom_id, subject_id, study_id and ViewPosition exist.
func OpenMetadata(path string) (*MetadataReader, error) {
	return openWith(path, NewMetadataReader)
}

// NewMetadataReader reads a metadata CSV from src (plain or gzip), naming it name in
// errors. Closing the reader closes src when it is an io.Closer.
func NewMetadataReader(name string, src io.Reader) (*MetadataReader, error) {
	t, err := newTable(name, asReadCloser(src), false)
	if err != nil {
		return nil, err
	}
	m := &MetadataReader{t: t, seen: make(map[string]int)}
	if err := t.locate(colRef{"dicom_id", &m.dicom}, colRef{"subject_id", &m.subject}, colRef{"study_id", &m.study}, colRef{"ViewPosition", &m.view}); err != nil {
		return nil, err
	}
	return m, nil
}

// Header returns the column names in file order (CXLSeg-metadata.csv keeps
// this order).
func (m *MetadataReader) Header() []string { return m.t.header }

// Path returns the file being read.
func (m *MetadataReader) Path() string { return m.t.path }

// Next returns the next row, or io.EOF after the last one. A returned error
// is fatal (I/O, CSV syntax, wrong field count, truncated gzip); per-row id
// problems come back in MetadataRow.Err instead.
func (m *MetadataReader) Next() (MetadataRow, error) {
	rec, err := m.t.next()
	if err != nil {
		return MetadataRow{}, err
	}
	row := MetadataRow{
		Line:         m.t.line,
		DicomID:      rec[m.dicom],
		SubjectID:    rec[m.subject],
		StudyID:      rec[m.study],
		ViewPosition: rec[m.view],
		Fields:       rec,
	}
	row.Err = checkIDs(m.t.path, row.Line, true, row.DicomID, row.SubjectID, row.StudyID, &row.Subject, &row.Study)
	if row.Err != nil {
		row.Subject, row.Study = 0, 0
		return row, nil
	}
	if i, why := badText(rec); why != "" {
		row.Err = &RowError{File: m.t.path, Line: row.Line, DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Reason: ReasonBadText, Detail: fmt.Sprintf("column %s %s", m.t.header[i], why)}
		row.Subject, row.Study = 0, 0
		return row, nil
	}
	if first, dup := m.seen[row.DicomID]; dup {
		row.Err = &RowError{File: m.t.path, Line: row.Line, DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Reason: ReasonDuplicate, Detail: fmt.Sprintf("duplicate dicom_id %q (first on line %d)", row.DicomID, first)}
		return row, nil
	}
	// A copy: the row's strings share its line, which would otherwise stay
	// in memory for every row, kept or not.
	m.seen[strings.Clone(row.DicomID)] = row.Line
	return row, nil
}

// badText returns the first field holding a NUL or another control
// character (tab, CR and LF aside) or invalid UTF-8, with what is wrong:
// such bytes would be copied into the output CSVs, where readers choke on
// them or silently mangle them.
func badText(rec []string) (int, string) {
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return i, "is not valid UTF-8"
		}
		for _, r := range f {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
				return i, fmt.Sprintf("holds control character %U", r)
			}
		}
	}
	return -1, ""
}

// Close closes the underlying file.
func (m *MetadataReader) Close() error { return m.t.close() }

// checkIDs validates a row's ids, storing the numeric ones. withDicom is
// false for files keyed by study (the label files), which have no dicom_id.
func checkIDs(path string, line int, withDicom bool, dicom, subject, study string, sub, stu *uint64) *RowError {
	bad := func(detail string) *RowError {
		return &RowError{File: path, Line: line, DicomID: dicom, SubjectID: subject, StudyID: study, Reason: ReasonBadID, Detail: detail}
	}
	var err error
	if *sub, err = ParseID(subject); err != nil {
		return bad("subject_id: " + err.Error())
	}
	if *stu, err = ParseID(study); err != nil {
		return bad("study_id: " + err.Error())
	}
	if withDicom {
		if err := CheckDicomID(dicom); err != nil {
			return bad(err.Error())
		}
	}
	return nil
}

// ReadAll is a convenience that drains a reader into a callback; it stops
// at the first error the callback returns.
func (m *MetadataReader) ReadAll(fn func(MetadataRow) error) error {
	return readAll(m.Next, fn)
}
