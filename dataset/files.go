package dataset

import "github.com/cxlseg/cxlseg/internal/cxlcsv"

// File names of a built CXLSeg dataset, relative to its directory.
const (
	SplitFile      = cxlcsv.SplitFile      // dicom_id, subject_id, study_id, split
	SegmentedFile  = cxlcsv.SegmentedFile  // ids, DicomPath of the segmented image, 14 labels
	MaskFile       = cxlcsv.MaskFile       // ids, DicomPath of the mask
	MetadataFile   = cxlcsv.MetadataFile   // MIMIC metadata columns, Reports, DicomPath
	QAFile         = cxlcsv.QAFile         // per-mask quality measures (optional)
	ExclusionsFile = cxlcsv.ExclusionsFile // images left out and why (optional)
	ManifestFile   = cxlcsv.ManifestFile   // provenance of the build (optional)
)

// Column names shared by the CSVs.
const (
	colDicomID   = "dicom_id"
	colSubjectID = "subject_id"
	colStudyID   = "study_id"
	colSplit     = "split"
	colDicomPath = "DicomPath"
	colReports   = "Reports"
)
