package dataset

// File names of a built CXLSeg dataset, relative to its directory.
const (
	SplitFile      = "CXLSeg-split.csv"      // dicom_id, subject_id, study_id, split
	SegmentedFile  = "CXLSeg-segmented.csv"  // ids, DicomPath of the segmented image, 14 labels
	MaskFile       = "CXLSeg-mask.csv"       // ids, DicomPath of the mask
	MetadataFile   = "CXLSeg-metadata.csv"   // MIMIC metadata columns, Reports, DicomPath
	QAFile         = "CXLSeg-qa.csv"         // per-mask quality measures (optional)
	ExclusionsFile = "CXLSeg-exclusions.csv" // images left out and why (optional)
	ManifestFile   = "manifest.json"         // provenance of the build (optional)
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
