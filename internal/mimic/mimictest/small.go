package mimictest

// Ids of SmallTree's images, named for what happens to them.
const (
	KeptPA          = "0a1b2c3d-00000001" // PA, labels, impression: kept
	Lateral         = "0a1b2c3d-00000002" // LATERAL in the same study: not_frontal
	KeptAPNoLabels  = "0a1b2c3d-00000003" // AP, study without a label row: kept, labels empty
	NoSplitRow      = "0a1b2c3d-00000004" // AP, absent from the split file: kept (no_split under RequireSplit)
	NoReport        = "0a1b2c3d-00000005" // PA, study without report: no_report
	EmptyReport     = "0a1b2c3d-00000006" // PA, whitespace-only report: empty_report
	Latin1Report    = "0a1b2c3d-00000007" // PA, report not UTF-8: report_not_utf8 (kept under latin1)
	MissingFile     = "0a1b2c3d-00000008" // PA, no image file: missing_image
	UnsafeDicom     = "../../outside"     // bad_id
	BadSubjectDicom = "0a1b2c3d-00000009" // subject "1000003x": bad_id
	Mismatch        = "0a1b2c3d-0000000a" // split file names another study: id_mismatch
	AxialView       = "0a1b2c3d-0000000b" // "AP AXIAL": not_frontal
	BlankView       = "0a1b2c3d-0000000c" // "": not_frontal
	KeptSecondPA    = "0a1b2c3d-0000000d" // second PA of KeptPA's study: kept
)

// SmallTree is a hand-built tree exercising every selection rule once.
// Its metadata rows (in file order) end with a duplicate of KeptPA
// (reason duplicate). Kept images: KeptPA, KeptSecondPA, KeptAPNoLabels,
// NoSplitRow.
func SmallTree() Tree {
	imp := Report("The lungs are clear.", "No acute cardiopulmonary process.")
	return Tree{
		Images: []Image{
			{Dicom: KeptSecondPA, Subject: "10000032", Study: "50414267", View: "PA", Split: "train"},
			{Dicom: KeptPA, Subject: "10000032", Study: "50414267", View: "PA", Split: "train"},
			{Dicom: Lateral, Subject: "10000032", Study: "50414267", View: "LATERAL", Split: "train"},
			{Dicom: KeptAPNoLabels, Subject: "10000032", Study: "50414268", View: "AP", Split: "test"},
			{Dicom: NoSplitRow, Subject: "10000033", Study: "50414269", View: "AP"},
			{Dicom: NoReport, Subject: "10000033", Study: "50414270", View: "PA", Split: "train"},
			{Dicom: EmptyReport, Subject: "10000033", Study: "50414271", View: "PA", Split: "train"},
			{Dicom: Latin1Report, Subject: "10000034", Study: "50414272", View: "PA", Split: "validate"},
			{Dicom: MissingFile, Subject: "10000034", Study: "50414273", View: "PA", Split: "train", NoFile: true},
			{Dicom: UnsafeDicom, Subject: "10000034", Study: "50414273", View: "PA", NoFile: true},
			{Dicom: BadSubjectDicom, Subject: "1000003x", Study: "50414273", View: "PA", NoFile: true},
			{Dicom: AxialView, Subject: "10000035", Study: "50414274", View: "AP AXIAL", Split: "train"},
			{Dicom: BlankView, Subject: "10000035", Study: "50414274", View: "", Split: "train"},
			{Dicom: Mismatch, Subject: "10000035", Study: "50414274", View: "PA", Split: "train", SplitStudy: "59999999"},
			{Dicom: KeptPA, Subject: "10000032", Study: "50414267", View: "PA", NoFile: true},
		},
		Labels: map[string][]string{
			"50414267": {"", "1.0", "", "-1.0", "", "", "", "1.0", "", "0.0", "", "", "", "1.0"},
			"50414269": {"", "", "", "", "", "", "", "", "1.0", "", "", "", "", ""},
		},
		Reports: map[string]string{
			"50414267": imp,
			"50414268": Report("Portable AP view. Heart size is normal, lines and tubes unchanged.", ""),
			"50414269": imp,
			"50414271": " \n \n",
			"50414272": Report("", "Caf\xe9 au lait spot noted. No pneumothorax."),
			"50414274": imp,
		},
	}
}
