package sample

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
)

// What a selection step is expected to do with each image of the tree,
// with MIMIC-CXR-JPG's default frontal set {AP, PA}.
const (
	ExpectSelected     = "selected"      // frontal, image and report present
	ExpectNotFrontal   = "not_frontal"   // ViewPosition outside {AP, PA}
	ExpectNoReport     = "no_report"     // the study has no report file
	ExpectEmptyReport  = "empty_report"  // the study's report file is empty
	ExpectMissingImage = "missing_image" // metadata row without its JPEG
)

// baseSeed fixes the ids, dates and placeholder images of the base tree:
// it never changes, so the demo tree is the same everywhere.
const baseSeed = 2023

// plannedImage is one metadata row and its file.
type plannedImage struct {
	dicom       string
	view        string // ViewPosition
	viewCode    string // ViewCodeSequence_CodeMeaning
	orientation string // PatientOrientationCodeSequence_CodeMeaning
	rows, cols  int
	data        []byte // JPEG bytes; nil when the file is missing
	mask        []byte // PNG lung mask (phantoms only)
	source      string
	expect      string
}

// plannedStudy is one study: its images, report and labels.
type plannedStudy struct {
	subject, study string
	date, time     string
	procedure      string
	split          string
	images         []plannedImage
	report         []byte // nil: no report file
	chexpert       map[string]string
	negbio         map[string]string // nil: same as chexpert
}

// viewInfo gives the DICOM code meanings MIMIC records for a view.
func viewInfo(view string) (code, orientation string) {
	switch view {
	case "PA":
		return "postero-anterior", "Erect"
	case "AP":
		return "antero-posterior", "Recumbent"
	case "LATERAL":
		return "lateral", "Erect"
	case "LL":
		return "left lateral", "Erect"
	case "AP AXIAL":
		return "antero-posterior", "Erect"
	}
	return "", ""
}

// baseStudy describes a study of the fixed part of the tree.
type baseStudy struct {
	subject  int    // index of the made-up patient
	demo     string // demo image file, "" for a placeholder frontal
	view     string // frontal view of the main image
	extra    []string
	report   string // key in baseReports; "" no report; "EMPTY" empty file
	split    string
	chexpert map[string]string
	negbio   map[string]string
	missing  bool // the main image's file is not written
}

// base lists the studies of the fixed tree. Labels follow each report
// (and the finding of the demo image), written by hand as a labeler
// would: 1.0 positive, 0.0 negative, -1.0 uncertain, absent blank.
func base() []baseStudy {
	return []baseStudy{
		{subject: 0, demo: "2c35005f.jpg", view: "PA", extra: []string{"LATERAL"}, report: "normal", split: "train",
			chexpert: map[string]string{"No Finding": "1.0"}},
		{subject: 0, demo: "3b46de94.jpg", view: "PA", report: "covid-modern", split: "train",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumonia": "1.0", "Pleural Effusion": "0.0", "Pneumothorax": "0.0", "Cardiomegaly": "0.0"}},
		{subject: 1, demo: "bb0e626a.jpg", view: "PA", extra: []string{"LL"}, report: "impression-only", split: "train",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumonia": "-1.0", "Pleural Effusion": "-1.0"}},
		{subject: 2, demo: "c3829ecb.jpg", view: "PA", report: "findings-only", split: "train",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Consolidation": "-1.0", "Pneumonia": "-1.0", "Pleural Effusion": "0.0", "Cardiomegaly": "0.0"},
			negbio:   map[string]string{"Lung Opacity": "1.0", "Consolidation": "0.0", "Pneumonia": "-1.0", "Pleural Effusion": "0.0", "Cardiomegaly": "0.0"}},
		{subject: 2, demo: "d009d61f.jpg", view: "PA", report: "neither", split: "train",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumonia": "-1.0", "Cardiomegaly": "0.0", "Pneumothorax": "0.0"}},
		{subject: 3, demo: "e1446fe8.jpg", view: "PA", extra: []string{"LATERAL"}, report: "addendum", split: "train",
			chexpert: map[string]string{"Consolidation": "1.0", "Lung Opacity": "1.0", "Pneumonia": "-1.0", "Pleural Effusion": "0.0"},
			negbio:   map[string]string{"Consolidation": "1.0", "Lung Opacity": "1.0", "Pneumonia": "1.0", "Pleural Effusion": "0.0"}},
		{subject: 4, demo: "2168a917.jpg", view: "PA", report: "wet-read", split: "validate",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumonia": "1.0", "Pleural Effusion": "0.0", "Pneumothorax": "0.0"}},
		{subject: 5, demo: "333932bd.jpg", view: "AP", report: "portable-old", split: "validate",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Edema": "-1.0", "Support Devices": "1.0"}},
		{subject: 5, demo: "3dedeb92.jpg", view: "AP", report: "portable-modern", split: "validate",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumonia": "1.0", "Edema": "0.0", "Pneumothorax": "0.0", "Support Devices": "1.0"}},
		{subject: 6, demo: "527321ee.jpg", view: "AP", extra: []string{"AP AXIAL"}, report: "portable-effusion", split: "test",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pleural Effusion": "1.0", "Atelectasis": "-1.0", "Cardiomegaly": "0.0"}},
		{subject: 6, demo: "61bc50d1.jpg", view: "AP", extra: []string{""}, report: "portable-numbered", split: "test",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Pneumothorax": "0.0", "Support Devices": "1.0"}},
		{subject: 7, demo: "86d19bba.jpg", view: "AP", report: "portable-worse", split: "test",
			chexpert: map[string]string{"Lung Opacity": "1.0", "Edema": "-1.0", "Enlarged Cardiomediastinum": "-1.0"},
			negbio:   map[string]string{"Lung Opacity": "1.0", "Edema": "-1.0", "Enlarged Cardiomediastinum": "-1.0", "Cardiomegaly": "-1.0"}},
		// Selection work: no report file, an empty report, a missing image.
		{subject: 7, view: "PA", report: "", split: "test"},
		{subject: 8, view: "AP", report: "EMPTY", split: "train"},
		{subject: 8, view: "PA", report: "missing-image", split: "train", missing: true,
			chexpert: map[string]string{"No Finding": "1.0"}},
	}
}

// placeholderSize is the size of the small synthetic images that stand in
// for the non-frontal and excluded frontal views.
const placeholderW, placeholderH = 636, 764

// planBase builds the fixed part of the tree.
func planBase(used map[string]bool) ([]plannedStudy, error) {
	demos, err := demoImages()
	if err != nil {
		return nil, err
	}
	byFile := map[string]demoImage{}
	for _, d := range demos {
		byFile[d.File] = d
	}
	reports := baseReports()
	ids := newIDGen(baseSeed, used)
	r := rand.New(rand.NewPCG(baseSeed, 1))
	var subjects []string
	var out []plannedStudy
	for n, b := range base() {
		for len(subjects) <= b.subject {
			subjects = append(subjects, ids.subject())
		}
		s := plannedStudy{subject: subjects[b.subject], study: ids.study(), split: b.split,
			chexpert: b.chexpert, negbio: b.negbio}
		s.date, s.time = ids.dateTime()
		s.procedure = "CHEST (PA AND LAT)"
		if b.view == "AP" {
			s.procedure = "CHEST (PORTABLE AP)"
		}
		switch b.report {
		case "":
		case "EMPTY":
			s.report = []byte{}
		default:
			rep, ok := reports[b.report]
			if !ok {
				return nil, fmt.Errorf("sample: study %d: no report %q", n, b.report)
			}
			s.report = rep
		}
		main := plannedImage{dicom: ids.dicom(), view: b.view, expect: ExpectSelected}
		main.viewCode, main.orientation = viewInfo(b.view)
		switch {
		case b.demo != "":
			d, ok := byFile[b.demo]
			if !ok {
				return nil, fmt.Errorf("sample: demo image %s not embedded", b.demo)
			}
			main.data, main.rows, main.cols, main.source = d.Data, d.Height, d.Width, "demo/"+d.File
		default:
			img, _ := Phantom(RandomPhantom(r), placeholderW, placeholderH)
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
				return nil, err
			}
			main.data, main.rows, main.cols, main.source = buf.Bytes(), placeholderH, placeholderW, "placeholder"
		}
		switch {
		case b.missing:
			main.data, main.source, main.expect = nil, "missing", ExpectMissingImage
			main.rows, main.cols = 3056, 2544
		case b.report == "":
			main.expect = ExpectNoReport
		case b.report == "EMPTY":
			main.expect = ExpectEmptyReport
		}
		s.images = append(s.images, main)
		for _, v := range b.extra {
			im := plannedImage{dicom: ids.dicom(), view: v, expect: ExpectNotFrontal, source: "placeholder"}
			im.viewCode, im.orientation = viewInfo(v)
			data, err := lateralJPEG(r.Uint64(), placeholderW, placeholderH)
			if err != nil {
				return nil, err
			}
			im.data, im.rows, im.cols = data, placeholderH, placeholderW
			s.images = append(s.images, im)
		}
		out = append(out, s)
	}
	return out, nil
}
