package maskqa

import (
	"image"
	"math"
	"strconv"
	"strings"
)

// Header returns the columns of CXLSeg-qa.csv, in order.
func Header() []string {
	return []string{"dicom_id", "subject_id", "study_id", "DicomPath",
		"mean_prob", "fg_fraction", "components", "left_area", "right_area",
		"lr_ratio", "left_bbox", "right_bbox", "raw_components", "est_dice", "flags"}
}

// Record returns one CXLSeg-qa.csv row for r, matching Header: the ids and
// DicomPath (of the segmented image) as given, fractions and ratios with 4
// decimals (empty when undefined), areas in pixels at mask resolution,
// boxes as "x0 y0 x1 y1" (x1, y1 exclusive; empty when none), the large
// components of the raw (uncleaned) mask, the estimated Dice, and flags
// joined with ';'.
func (r Result) Record(dicomID, subjectID, studyID, dicomPath string) []string {
	return []string{dicomID, subjectID, studyID, dicomPath,
		fmtFloat(r.MeanProb), fmtFloat(r.FGFraction), strconv.Itoa(len(r.Components)),
		strconv.Itoa(r.LeftArea), strconv.Itoa(r.RightArea), fmtFloat(r.LRRatio),
		FormatBBox(r.LeftBBox), FormatBBox(r.RightBBox), fmtCount(r.RawLarge), fmtFloat(r.EstDice), strings.Join(r.Flags, ";")}
}

// fmtCount writes n, or "" when negative (not measured).
func fmtCount(n int) string {
	if n < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// fmtFloat writes v with 4 decimals, or "" for NaN/Inf.
func fmtFloat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// FormatBBox writes b as "x0 y0 x1 y1", or "" when b is empty.
func FormatBBox(b image.Rectangle) string {
	if b.Empty() {
		return ""
	}
	return strconv.Itoa(b.Min.X) + " " + strconv.Itoa(b.Min.Y) + " " + strconv.Itoa(b.Max.X) + " " + strconv.Itoa(b.Max.Y)
}
