package dataset

import (
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Split names one of the dataset's three partitions.
type Split string

// The splits of CXLSeg-split.csv.
const (
	Train    Split = "train"
	Validate Split = "validate"
	Test     Split = "test"
)

// Splits lists the three splits in their conventional order.
func Splits() []Split { return []Split{Train, Validate, Test} }

// parseSplit checks a split cell.
func parseSplit(s string) (Split, error) {
	switch sp := Split(s); sp {
	case Train, Validate, Test:
		return sp, nil
	}
	return "", fmt.Errorf("split %q is not train, validate or test", s)
}

// Record is one image of a built dataset: ids, split, labels, report text,
// the paths of its segmented image and mask, and its QA measures when the
// dataset has them.
type Record struct {
	DicomID   string
	SubjectID int64
	StudyID   int64
	Split     Split
	// Labels holds the 14 CheXpert labels, read from CXLSeg-segmented.csv
	// by column name.
	Labels Labels
	// Report is the Reports column of CXLSeg-metadata.csv: the chosen
	// report section (or the whole report, depending on how it was built).
	Report string
	// ImageRel and MaskRel are the DicomPath values of the segmented image
	// and of the mask as written in the CSVs: slash-separated, relative to
	// the dataset directory, starting with "files/". MaskRel is empty in
	// datasets whose masks are run-length encoded in CXLSeg-mask.csv
	// (Dataset.MaskFormat "rle"; see LoadMask and MaskRLE).
	ImageRel, MaskRel string
	// ImagePath and MaskPath are the same files as absolute OS paths
	// (MaskPath empty with RLE masks).
	ImagePath, MaskPath string
	// QA holds the per-mask measures of CXLSeg-qa.csv, or nil when the
	// dataset has no QA file or no QA row for this image.
	QA *QA

	metaCols map[string]int // shared by all records of a dataset
	meta     []string
	masks    *maskTable // shared too
	mask     maskRef
}

// Meta returns the value of a CXLSeg-metadata.csv column for this image
// (for example "ViewPosition" or "StudyDate"); ok is false when the file
// has no such column.
func (r *Record) Meta(column string) (value string, ok bool) {
	i, ok := r.metaCols[column]
	if !ok || i >= len(r.meta) {
		return "", false
	}
	return r.meta[i], true
}

// parseID reads a numeric MIMIC id (subject_id, study_id).
func parseID(col, s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%s %q is not a non-negative integer", col, s)
	}
	return v, nil
}

// checkDicomID rejects ids that could not name a file in MIMIC's layout, or
// that would address a file outside it.
func checkDicomID(s string) error {
	if s == "" {
		return fmt.Errorf("empty dicom_id")
	}
	if strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
		return fmt.Errorf("dicom_id %q contains a path separator or dot name", s)
	}
	return nil
}

// checkRelPath checks a DicomPath: relative, slash-separated, clean, and
// inside the dataset directory, so that joining it to the directory can
// never address a file outside it.
func checkRelPath(p string) error {
	if p == "" {
		return fmt.Errorf("empty DicomPath")
	}
	if strings.Contains(p, `\`) || path.IsAbs(p) || path.Clean(p) != p || !filepath.IsLocal(filepath.FromSlash(p)) {
		return fmt.Errorf("DicomPath %q is not a clean relative path inside the dataset", p)
	}
	return nil
}
