package catalog

import (
	"sort"
)

// Record is one selected image with everything the CXLSeg CSVs need.
type Record struct {
	DicomID   string
	SubjectID string
	StudyID   string
	Subject   uint64
	Study     uint64
	// ViewPosition is the metadata column of that name.
	ViewPosition string
	// Metadata holds the metadata row verbatim, aligned with
	// Catalog.MetadataHeader.
	Metadata []string
	// Labels holds the label values verbatim, aligned with
	// Catalog.LabelNames (the 14 CheXpert labels in alphabetical order);
	// all empty when the labeler produced no row for the study, nil when
	// no labels were requested. Records of one study share the slice.
	Labels []string
	// OfficialSplit is the image's split in mimic-cxr-2.0.0-split.csv, ""
	// when absent or when there is no split file.
	OfficialSplit string
	// Split is the assigned split, set by Catalog.AssignSplits.
	Split string
	// Report is the Reports column: the chosen section text, or the whole
	// report when Options.ReportText is "full".
	Report string
	// DicomPath is the relative slash path files/pXX/pS/sS/DICOM.jpg of
	// the original image and of the segmented output.
	DicomPath string
	// MaskPath is the relative slash path of the output mask,
	// files/pXX/pS/sS/DICOM-mask.jpg.
	MaskPath string
	// SourcePath is the original image as an OS path under the MIMIC root.
	SourcePath string
}

// Exclusion is one image left out, a row of CXLSeg-exclusions.csv.
type Exclusion struct {
	DicomID   string
	SubjectID string
	StudyID   string
	Reason    string
	Detail    string
}

// Exclusion reasons; see the package documentation for when each applies.
const (
	ReasonBadID            = "bad_id"
	ReasonDuplicate        = "duplicate"
	ReasonNotFrontal       = "not_frontal"
	ReasonIDMismatch       = "id_mismatch"
	ReasonNoSplit          = "no_split"
	ReasonMissingImage     = "missing_image"
	ReasonNotRegular       = "not_regular_file"
	ReasonNoReport         = "no_report"
	ReasonReportUnreadable = "report_unreadable"
	ReasonReportNotUTF8    = "report_not_utf8"
	ReasonEmptyReport      = "empty_report"
)

// idLess orders id strings numerically when both are canonical decimal
// numbers (shorter is smaller, then lexical), and gives a total,
// deterministic order for any other strings too.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// keyLess orders by (subject, study, dicom).
func keyLess(s1, t1, d1, s2, t2, d2 string) bool {
	if s1 != s2 {
		return idLess(s1, s2)
	}
	if t1 != t2 {
		return idLess(t1, t2)
	}
	return d1 < d2
}

// SortRecords puts records in the canonical order: subject_id, study_id
// (numerically), then dicom_id.
func SortRecords(rs []Record) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := &rs[i], &rs[j]
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if a.Study != b.Study {
			return a.Study < b.Study
		}
		return a.DicomID < b.DicomID
	})
}

// SortExclusions puts exclusions in the canonical order: subject_id,
// study_id, dicom_id, then reason and detail.
func SortExclusions(es []Exclusion) {
	sort.Slice(es, func(i, j int) bool {
		a, b := &es[i], &es[j]
		if a.SubjectID != b.SubjectID || a.StudyID != b.StudyID || a.DicomID != b.DicomID {
			return keyLess(a.SubjectID, a.StudyID, a.DicomID, b.SubjectID, b.StudyID, b.DicomID)
		}
		if a.Reason != b.Reason {
			return a.Reason < b.Reason
		}
		return a.Detail < b.Detail
	})
}
