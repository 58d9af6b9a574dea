package build

import (
	"strconv"
	"strings"
)

// QA holds the per-mask measures written to CXLSeg-qa.csv. It mirrors
// maskqa.Result in a form that round-trips through the journal exactly, so
// the CSV written after a resumed run equals the one from a single run.
type QA struct {
	MeanProb   float64  `json:"mean_prob"`
	FGFraction float64  `json:"fg_fraction"`
	Components int      `json:"components"`
	LeftArea   int      `json:"left_area"`
	RightArea  int      `json:"right_area"`
	LRRatio    float64  `json:"lr_ratio"`
	LeftBBox   string   `json:"left_bbox,omitempty"`
	RightBBox  string   `json:"right_bbox,omitempty"`
	Flags      []string `json:"flags,omitempty"`
}

// QAHeader is the column list of CXLSeg-qa.csv.
var QAHeader = []string{"dicom_id", "subject_id", "study_id", "DicomPath", "mean_prob", "fg_fraction",
	"components", "left_area", "right_area", "lr_ratio", "left_bbox", "right_bbox", "flags"}

// fmtFloat formats a measure with fixed precision so CSV bytes do not
// depend on float noise below what the measure means.
func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// qaRow formats one CXLSeg-qa.csv row.
func qaRow(it *Item, q *QA) []string {
	return []string{it.DicomID, it.SubjectID, it.StudyID, it.DicomPath,
		fmtFloat(q.MeanProb), fmtFloat(q.FGFraction), strconv.Itoa(q.Components),
		strconv.Itoa(q.LeftArea), strconv.Itoa(q.RightArea), fmtFloat(q.LRRatio),
		q.LeftBBox, q.RightBBox, strings.Join(q.Flags, ";")}
}

// fmtBBox formats a box as "x0 y0 x1 y1", or "" when empty is set.
func fmtBBox(x0, y0, x1, y1 int, empty bool) string {
	if empty {
		return ""
	}
	return strconv.Itoa(x0) + " " + strconv.Itoa(y0) + " " + strconv.Itoa(x1) + " " + strconv.Itoa(y1)
}
