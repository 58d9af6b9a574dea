package dataset_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// writeFake writes the fake dataset into a temporary directory.
func writeFake(t *testing.T, opt datasettest.Options) (string, []datasettest.Image) {
	t.Helper()
	dir := t.TempDir()
	ims, err := datasettest.Write(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return dir, ims
}

func TestOpenReadsEveryField(t *testing.T) {
	dir, ims := writeFake(t, datasettest.Options{})
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != len(ims) {
		t.Fatalf("Len = %d, want %d", ds.Len(), len(ims))
	}
	if !ds.HasQA() {
		t.Error("HasQA = false with a QA file")
	}
	want := map[dataset.Split]int{}
	for _, im := range ims {
		want[dataset.Split(im.Split)]++
	}
	for _, s := range dataset.Splits() {
		if got := ds.Count(s); got != want[s] {
			t.Errorf("Count(%s) = %d, want %d", s, got, want[s])
		}
		n := 0
		for r := range ds.Records(s) {
			n++
			if r.Split != s {
				t.Errorf("Records(%s) yielded %s image %s", s, r.Split, r.DicomID)
			}
		}
		if n != want[s] {
			t.Errorf("Records(%s) yielded %d, want %d", s, n, want[s])
		}
	}
	i := 0
	for r := range ds.All() {
		im := ims[i]
		i++
		if r.DicomID != im.DicomID || r.SubjectID != im.SubjectID || r.StudyID != im.StudyID {
			t.Errorf("image %d: ids %s %d %d, want %s %d %d", i, r.DicomID, r.SubjectID, r.StudyID, im.DicomID, im.SubjectID, im.StudyID)
		}
		if string(r.Split) != im.Split || r.Report != im.Report {
			t.Errorf("%s: split %q report %q, want %q %q", r.DicomID, r.Split, r.Report, im.Split, im.Report)
		}
		for _, name := range dataset.LabelNames() {
			got, ok := r.Labels.Get(name)
			if !ok || got.String() != im.Labels[name] {
				t.Errorf("%s: label %s = %q (ok %v), want %q", r.DicomID, name, got, ok, im.Labels[name])
			}
		}
		if r.ImageRel != im.ImageRel() || r.MaskRel != im.MaskRel() {
			t.Errorf("%s: rel paths %s %s", r.DicomID, r.ImageRel, r.MaskRel)
		}
		for _, p := range []string{r.ImagePath, r.MaskPath} {
			if !filepath.IsAbs(p) {
				t.Errorf("%s: path %s not absolute", r.DicomID, p)
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: %v", r.DicomID, err)
			}
		}
		if v, ok := r.Meta("ViewPosition"); !ok || v != im.View {
			t.Errorf("%s: Meta(ViewPosition) = %q %v, want %q", r.DicomID, v, ok, im.View)
		}
		if _, ok := r.Meta("NoSuchColumn"); ok {
			t.Errorf("Meta(NoSuchColumn) ok")
		}
		if r.QA == nil {
			t.Fatalf("%s: no QA", r.DicomID)
		}
		if math.Abs(r.QA.MeanProb-im.MeanProb) > 1e-4 || math.Abs(r.QA.FGFraction-im.FGFraction) > 1e-4 {
			t.Errorf("%s: QA prob %v fg %v, want %v %v", r.DicomID, r.QA.MeanProb, r.QA.FGFraction, im.MeanProb, im.FGFraction)
		}
		if got := strings.Join(r.QA.Flags, ";"); got != im.Flags {
			t.Errorf("%s: flags %q, want %q", r.DicomID, got, im.Flags)
		}
		if r.QA.Components != im.Lungs || r.QA.HasLeftBox != (im.Lungs == 2) || r.QA.HasRightBox != (im.Lungs >= 1) {
			t.Errorf("%s: components %d boxes %v %v for %d lungs", r.DicomID, r.QA.Components, r.QA.HasLeftBox, r.QA.HasRightBox, im.Lungs)
		}
		if im.Lungs == 2 && (r.QA.LeftBox.Min.X != 126 || r.QA.LeftBox.Max.Y != 190) {
			t.Errorf("%s: left box %v", r.DicomID, r.QA.LeftBox)
		}
		if im.Lungs < 1 && !math.IsNaN(r.QA.LRRatio) {
			t.Errorf("%s: lr_ratio %v, want NaN for an empty cell", r.DicomID, r.QA.LRRatio)
		}
		if lk, ok := ds.Lookup(im.DicomID); !ok || lk.DicomID != im.DicomID {
			t.Errorf("Lookup(%s) failed", im.DicomID)
		}
	}
	if _, ok := ds.Lookup("nope"); ok {
		t.Error("Lookup(nope) ok")
	}
	if n := len(ds.Exclusions()); n != 3 {
		t.Errorf("%d exclusions, want 3", n)
	} else if e := ds.Exclusions()[1]; e.Reason != "corrupt_jpeg" || !strings.Contains(e.Detail, `"unexpected EOF"`) {
		t.Errorf("exclusion 1 = %+v", e)
	}
	if v := ds.Manifest()["version"]; v != "0.0.0-test" {
		t.Errorf("manifest version %v", v)
	}
	if cols := ds.MetaColumns(); len(cols) != 14 || cols[0] != "dicom_id" {
		t.Errorf("MetaColumns = %q", cols)
	}
}

func TestOpenWithoutOptionalFiles(t *testing.T) {
	dir, _ := writeFake(t, datasettest.Options{NoQA: true, NoExclusions: true, NoManifest: true, NoImages: true})
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ds.HasQA() || ds.Exclusions() != nil || ds.Manifest() != nil {
		t.Errorf("HasQA %v, exclusions %v, manifest %v; want none", ds.HasQA(), ds.Exclusions(), ds.Manifest())
	}
	for r := range ds.All() {
		if r.QA != nil {
			t.Errorf("%s has QA without a QA file", r.DicomID)
		}
	}
}

// TestOpenErrors breaks one file at a time; each error must name the file
// and, for row errors, the row.
func TestOpenErrors(t *testing.T) {
	first := datasettest.Images()[0]
	tests := []struct {
		name string
		file string
		edit func(string) string // new file content from old; nil removes the file
		want []string            // substrings of the error
	}{
		{"missing file", dataset.MaskFile, nil, []string{dataset.MaskFile, "no such file"}},
		{"missing column", dataset.SegmentedFile, func(s string) string { return strings.Replace(s, "Edema", "Oedema", 1) },
			[]string{dataset.SegmentedFile, `missing column "Edema"`}},
		{"field count", dataset.SplitFile, func(s string) string { return strings.Replace(s, ",train", ",train,extra", 1) },
			[]string{dataset.SplitFile, "row ", "line ", "wrong number of fields"}},
		{"non-numeric id", dataset.SegmentedFile, func(s string) string { return strings.Replace(s, ",10000032,", ",1000x032,", 1) },
			[]string{dataset.SegmentedFile, "row 1 (line 2)", `subject_id "1000x032"`}},
		{"bad label", dataset.SegmentedFile, func(s string) string { return replaceLine(s, 3, ",-1.0,", ",maybe,") },
			[]string{dataset.SegmentedFile, "row 2 (line 3)", `"maybe"`}},
		{"bad split", dataset.SplitFile, func(s string) string { return strings.Replace(s, ",validate", ",val", 1) },
			[]string{dataset.SplitFile, `split "val"`}},
		{"duplicate", dataset.MaskFile, func(s string) string {
			lines := strings.SplitAfter(s, "\n")
			return s + lines[1]
		}, []string{dataset.MaskFile, "row 9", "duplicate dicom_id"}},
		{"path escape", dataset.MaskFile, func(s string) string { return strings.Replace(s, "files/", "../files/", 1) },
			[]string{dataset.MaskFile, "row 1", "not a clean relative path"}},
		{"slash in id", dataset.SplitFile, func(s string) string { return replaceLine(s, 2, ",", "/x,") },
			[]string{dataset.SplitFile, "row 1", "path separator"}},
		{"unjoined", dataset.MetadataFile, func(s string) string { return strings.Replace(s, first.DicomID, "ffffffff", 1) },
			[]string{dataset.MetadataFile, "no row for dicom_id " + `"` + first.DicomID + `"`, dataset.SegmentedFile + " row 1"}},
		{"bare quote", dataset.ExclusionsFile, func(s string) string { return strings.Replace(s, "no_report", `no"report`, 1) },
			[]string{dataset.ExclusionsFile, "row 1 (line 2)", "bare"}},
		{"bad bbox", dataset.QAFile, func(s string) string { return strings.Replace(s, "126 40 196 190", "126 40 196", 1) },
			[]string{dataset.QAFile, "row 1", "left_bbox"}},
		{"bad float", dataset.QAFile, func(s string) string { return replaceLine(s, 2, ",0.9700,", ",high,") },
			[]string{dataset.QAFile, "row 1", `mean_prob "high"`}},
		{"empty file", dataset.MetadataFile, func(string) string { return "" }, []string{dataset.MetadataFile, "empty file"}},
		{"bad manifest", dataset.ManifestFile, func(string) string { return "{" }, []string{dataset.ManifestFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := writeFake(t, datasettest.Options{NoImages: true})
			p := filepath.Join(dir, tt.file)
			if tt.edit == nil {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			} else {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if edited := tt.edit(string(b)); edited == string(b) {
					t.Fatal("edit changed nothing")
				} else if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := dataset.Open(dir)
			if err == nil {
				t.Fatal("Open succeeded on a broken dataset")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// replaceLine replaces the first old in the n-th line (1-based) of s.
func replaceLine(s string, n int, old, new string) string {
	lines := strings.SplitAfter(s, "\n")
	lines[n-1] = strings.Replace(lines[n-1], old, new, 1)
	return strings.Join(lines, "")
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		in   string
		want dataset.Label
		err  bool
	}{
		{"1.0", dataset.Positive, false},
		{"0.0", dataset.Negative, false},
		{"-1.0", dataset.Uncertain, false},
		{"", dataset.Missing, false},
		{"1", dataset.Positive, false},
		{" -1.00 ", dataset.Uncertain, false},
		{"0", dataset.Negative, false},
		{"2.0", dataset.Missing, true},
		{"NaN", dataset.Missing, true},
		{"yes", dataset.Missing, true},
	}
	for _, tt := range tests {
		got, err := dataset.ParseLabel(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseLabel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
		// Round trip: a valid value's String parses back to itself.
		if err == nil {
			if back, err := dataset.ParseLabel(got.String()); err != nil || back != got {
				t.Errorf("ParseLabel(%q.String()) = %v, %v", got, back, err)
			}
		}
	}
	names := map[dataset.Label]string{dataset.Positive: "positive", dataset.Negative: "negative", dataset.Uncertain: "uncertain", dataset.Missing: "missing"}
	for l, n := range names {
		if l.Name() != n {
			t.Errorf("%v.Name() = %q, want %q", l, l.Name(), n)
		}
	}
}

func TestLabelsGetMatchesAt(t *testing.T) {
	var l dataset.Labels
	for i := range l {
		l[i] = dataset.Label(i % 4)
	}
	for i, name := range dataset.LabelNames() {
		if v, ok := l.Get(name); !ok || v != l.At(i) {
			t.Errorf("Get(%q) = %v %v, At(%d) = %v", name, v, ok, i, l.At(i))
		}
	}
	if _, ok := l.Get("Pneumonitis"); ok {
		t.Error("Get of an unknown name is ok")
	}
}

func TestLoadImageAndMask(t *testing.T) {
	dir, ims := writeFake(t, datasettest.Options{})
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range ims {
		r, _ := ds.Lookup(im.DicomID)
		img, err := r.LoadImage()
		if err != nil {
			t.Fatal(err)
		}
		mask, err := r.LoadMask()
		if err != nil {
			t.Fatal(err)
		}
		if img.Rect.Dx() != 224 || img.Rect.Dy() != 224 || mask.Rect != img.Rect {
			t.Fatalf("%s: image %v mask %v", im.DicomID, img.Rect, mask.Rect)
		}
		// The segmented image is black outside the mask, and the mask's
		// foreground fraction is the one recorded in QA.
		fg, leak := 0, 0
		for i, m := range mask.Pix {
			if m >= 128 {
				fg++
			} else if m < 16 && img.Pix[i] > 40 {
				leak++
			}
		}
		if got := float64(fg) / (224 * 224); math.Abs(got-im.FGFraction) > 0.01 {
			t.Errorf("%s: mask fraction %.3f, QA %.3f", im.DicomID, got, im.FGFraction)
		}
		if leak > 0 {
			t.Errorf("%s: %d bright pixels outside the mask", im.DicomID, leak)
		}
	}
	r, _ := ds.Lookup(ims[0].DicomID)
	if err := os.WriteFile(r.MaskPath, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LoadMask(); err == nil || !strings.Contains(err.Error(), r.MaskPath) {
		t.Errorf("LoadMask of junk: %v", err)
	}
}

// TestOpenEmptyDataset: header-only CSVs are a valid, empty dataset.
func TestOpenEmptyDataset(t *testing.T) {
	dir, _ := writeFake(t, datasettest.Options{NoImages: true})
	if err := datasettest.HeaderOnly(dir, dataset.SegmentedFile, dataset.SplitFile, dataset.MaskFile, dataset.MetadataFile, dataset.QAFile); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 0 || ds.Count(dataset.Train) != 0 {
		t.Errorf("Len %d", ds.Len())
	}
}

// TestOpenRefusesIncomplete: a manifest that is not "complete", or cxlseg
// build state without a manifest, is an incomplete dataset.
func TestOpenRefusesIncomplete(t *testing.T) {
	dir, _ := writeFake(t, datasettest.Options{NoImages: true})
	man := filepath.Join(dir, dataset.ManifestFile)
	b, _ := os.ReadFile(man)
	os.WriteFile(man, bytes.Replace(b, []byte(`"complete"`), []byte(`"running"`), 1), 0o644)
	if _, err := dataset.Open(dir); !errors.Is(err, dataset.ErrIncomplete) || !strings.Contains(err.Error(), `"running"`) {
		t.Errorf("status running: %v", err)
	}
	os.Remove(man)
	if _, err := dataset.Open(dir); err != nil {
		t.Errorf("no manifest and no build state (a dataset from elsewhere): %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "shards", "0-of-1"), 0o755)
	if _, err := dataset.Open(dir); !errors.Is(err, dataset.ErrIncomplete) || !strings.Contains(err.Error(), "run the same cxlseg build command again") {
		t.Errorf("build state without a manifest: %v", err)
	}
}
