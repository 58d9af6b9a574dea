package dataset

import "io"

// Exclusion is one row of CXLSeg-exclusions.csv: an image (or study) the
// build left out and why. Ids are kept as written because an exclusion may
// concern a malformed row.
type Exclusion struct {
	DicomID   string
	SubjectID string
	StudyID   string
	Reason    string // short machine-readable reason, e.g. "no_report"
	Detail    string // free text
}

// readExclusions reads CXLSeg-exclusions.csv.
func readExclusions(name string, r io.Reader) ([]Exclusion, error) {
	t, err := newTable(name, r, colDicomID, "reason")
	if err != nil {
		return nil, err
	}
	var out []Exclusion
	err = t.each(func() error {
		out = append(out, Exclusion{
			DicomID:   t.get(colDicomID),
			SubjectID: t.get(colSubjectID),
			StudyID:   t.get(colStudyID),
			Reason:    t.get("reason"),
			Detail:    t.get("detail"),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
