package catalog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/mimic"
	mt "github.com/cxlseg/cxlseg/internal/mimic/mimictest"
	"github.com/cxlseg/cxlseg/internal/split"
)

// buildSmall writes mimictest.SmallTree (variant applied) and builds its
// catalog, reading reports from the folder (reportsAs "dir") or from a zip
// whose entries carry the prefix reportsAs.
func buildSmall(t *testing.T, variant func(*mt.Tree), reportsAs string, opt Options) *Catalog {
	t.Helper()
	tree := mt.SmallTree()
	if variant != nil {
		variant(&tree)
	}
	root := t.TempDir()
	reportsRoot, err := tree.Write(root)
	if err != nil {
		t.Fatal(err)
	}
	reportsPath := reportsRoot
	if reportsAs != "dir" {
		reportsPath = filepath.Join(root, "mimic-cxr-reports.zip")
		if err := mt.WriteZip(reportsPath, reportsRoot, reportsAs); err != nil {
			t.Fatal(err)
		}
	}
	files, err := mimic.Locate(root)
	if err != nil {
		t.Fatal(err)
	}
	src, err := mimic.OpenReports(reportsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c, err := Build(context.Background(), Input{Files: files, Reports: src}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records)+len(c.Exclusions) != c.Rows {
		t.Fatalf("%d records + %d exclusions != %d metadata rows", len(c.Records), len(c.Exclusions), c.Rows)
	}
	return c
}

func ids(rs []Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.DicomID)
	}
	return out
}

func reasons(es []Exclusion) map[string]string {
	m := map[string]string{}
	for _, e := range es {
		key := e.DicomID
		if _, dup := m[key]; dup {
			key += "#2"
		}
		m[key] = e.Reason
	}
	return m
}

var wantReasons = map[string]string{
	mt.Lateral:         ReasonNotFrontal,
	mt.NoReport:        ReasonNoReport,
	mt.EmptyReport:     ReasonEmptyReport,
	mt.Latin1Report:    ReasonReportNotUTF8,
	mt.MissingFile:     ReasonMissingImage,
	mt.UnsafeDicom:     ReasonBadID,
	mt.BadSubjectDicom: ReasonBadID,
	mt.Mismatch:        ReasonIDMismatch,
	mt.AxialView:       ReasonNotFrontal,
	mt.BlankView:       ReasonNotFrontal,
	mt.KeptPA:          ReasonDuplicate,
}

// TestSmallTreeSelection checks every selection rule on the hand-built
// tree, and that the result is the same whatever the input encoding:
// plain or gzip CSVs, stat or IMAGE_FILENAMES, report files or a zip with
// or without the files/ prefix.
func TestSmallTreeSelection(t *testing.T) {
	wantIDs := []string{mt.KeptPA, mt.KeptSecondPA, mt.KeptAPNoLabels, mt.NoSplitRow}
	var first *Catalog
	for _, v := range []struct {
		name    string
		variant func(*mt.Tree)
		zip     string
	}{
		{"plain", nil, "dir"},
		{"gzip+IMAGE_FILENAMES", func(tr *mt.Tree) { tr.Gzip, tr.ImageFilenames = true, true }, "dir"},
		{"zip files/", nil, "files/"},
		{"zip bare", func(tr *mt.Tree) { tr.Gzip = true }, ""},
		{"zip long prefix", nil, "mimic-cxr-reports/files/"},
	} {
		c := buildSmall(t, v.variant, v.zip, Options{Labels: LabelsCheXpert})
		if got := ids(c.Records); !reflect.DeepEqual(got, wantIDs) {
			t.Fatalf("%s: records %v, want %v", v.name, got, wantIDs)
		}
		if got := reasons(c.Exclusions); !reflect.DeepEqual(got, wantReasons) {
			t.Fatalf("%s: exclusions %v\nwant %v", v.name, got, wantReasons)
		}
		if first == nil {
			first = c
			continue
		}
		for i := range c.Records {
			a, b := c.Records[i], first.Records[i]
			a.SourcePath, b.SourcePath = "", ""
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: record %d differs from plain:\n%+v\n%+v", v.name, i, a, b)
			}
		}
	}
	c := first
	r := c.Records[0]
	if r.DicomPath != "files/p10/p10000032/s50414267/"+mt.KeptPA+".jpg" || r.MaskPath != "files/p10/p10000032/s50414267/"+mt.KeptPA+"-mask.jpg" {
		t.Errorf("paths %q %q", r.DicomPath, r.MaskPath)
	}
	if _, err := os.Stat(r.SourcePath); err != nil {
		t.Errorf("source path: %v", err)
	}
	if r.Report != "No acute cardiopulmonary process." {
		t.Errorf("Reports = %q, want the impression", r.Report)
	}
	if c.Records[2].Report != "Portable AP view. Heart size is normal, lines and tubes unchanged." {
		t.Errorf("findings-only Reports = %q", c.Records[2].Report)
	}
	if !reflect.DeepEqual(c.MetadataHeader, mt.MetadataHeader) || !reflect.DeepEqual(r.Metadata[:5], []string{mt.KeptPA, "10000032", "50414267", "CHEST (PA AND LAT)", "PA"}) {
		t.Errorf("metadata %q / %q", c.MetadataHeader, r.Metadata)
	}
	if !reflect.DeepEqual(c.LabelNames, chexpert.Alphabetical[:]) {
		t.Errorf("label names %q", c.LabelNames)
	}
	if r.Labels[1] != "1.0" || r.Labels[3] != "-1.0" || r.Labels[9] != "0.0" || r.Labels[0] != "" {
		t.Errorf("labels %q", r.Labels)
	}
	if l := c.Records[2].Labels; len(l) != 14 || strings.Join(l, "") != "" {
		t.Errorf("study without label row: labels %q", l)
	}
	if r.OfficialSplit != "train" || c.Records[2].OfficialSplit != "test" || c.Records[3].OfficialSplit != "" {
		t.Errorf("official splits %q %q %q", r.OfficialSplit, c.Records[2].OfficialSplit, c.Records[3].OfficialSplit)
	}
	for _, e := range c.Exclusions {
		if e.Detail == "" {
			t.Errorf("exclusion %+v has no detail", e)
		}
		if e.Reason == ReasonDuplicate && !strings.Contains(e.Detail, "line 16") {
			t.Errorf("duplicate detail %q does not name the line", e.Detail)
		}
		if e.Reason == ReasonReportNotUTF8 && !strings.Contains(e.Detail, "byte") {
			t.Errorf("not-UTF-8 detail %q", e.Detail)
		}
	}
}

func TestOptions(t *testing.T) {
	// Full report text.
	c := buildSmall(t, nil, "dir", Options{ReportText: ReportFull})
	if !strings.Contains(c.Records[0].Report, "FINAL REPORT") || c.LabelNames != nil || c.Records[0].Labels != nil {
		t.Errorf("full: report %q labels %v", c.Records[0].Report, c.Records[0].Labels)
	}
	// Latin-1 keeps the report, decoded, with a warning.
	c = buildSmall(t, nil, "dir", Options{NonUTF8: NonUTF8Latin1})
	var found bool
	for _, r := range c.Records {
		if r.DicomID == mt.Latin1Report {
			found = true
			if !strings.Contains(r.Report, "Café au lait") {
				t.Errorf("latin1 report %q", r.Report)
			}
		}
	}
	if !found || len(c.Warnings) != 1 {
		t.Errorf("latin1: found %v, warnings %q", found, c.Warnings)
	}
	// RequireSplit drops the image absent from the split file.
	c = buildSmall(t, nil, "dir", Options{RequireSplit: true})
	if reasons(c.Exclusions)[mt.NoSplitRow] != ReasonNoSplit {
		t.Errorf("RequireSplit: %v", reasons(c.Exclusions))
	}
	// Views: LATERAL only.
	c = buildSmall(t, nil, "dir", Options{Views: []string{"LATERAL"}})
	if got := ids(c.Records); !reflect.DeepEqual(got, []string{mt.Lateral}) {
		t.Errorf("views LATERAL: %v", got)
	}
	// NoReports keeps images of studies without reports.
	c = buildSmall(t, nil, "dir", Options{NoReports: true, Labels: LabelsNegBio})
	if len(c.Records) != 7 || c.Records[0].Report != "" {
		t.Errorf("no reports: %v", ids(c.Records))
	}
	// Strict turns the first bad metadata row into an error naming it.
	root := t.TempDir()
	if _, err := mt.SmallTree().Write(root); err != nil {
		t.Fatal(err)
	}
	files, _ := mimic.Locate(root)
	_, err := Build(context.Background(), Input{Files: files}, Options{NoReports: true, Strict: true})
	if err == nil || !strings.Contains(err.Error(), files.Metadata+": line 11") || !strings.Contains(err.Error(), "dicom_id") {
		t.Errorf("strict: %v", err)
	}
	for _, bad := range []Options{{Labels: "nope"}, {Labels: LabelsBuiltin, NoReports: true}, {ReportText: "x"}, {NonUTF8: "x"}} {
		if _, err := Build(context.Background(), Input{Files: mimic.Files{Metadata: "x"}}, bad); err == nil {
			t.Errorf("options %+v accepted", bad)
		}
	}
}

// TestLabelErrors: a label file missing a label column, or with a bad
// row, is an error naming the file.
func TestLabelErrors(t *testing.T) {
	root := t.TempDir()
	if _, err := mt.SmallTree().Write(root); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "mimic-cxr-2.0.0-chexpert.csv")
	os.WriteFile(p, []byte("subject_id,study_id,Atelectasis\n10000032,50414267,1.0\n"), 0o644)
	files, _ := mimic.Locate(root)
	_, err := Build(context.Background(), Input{Files: files}, Options{NoReports: true, Labels: LabelsCheXpert})
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), `"Cardiomegaly"`) {
		t.Errorf("missing label column: %v", err)
	}
	os.WriteFile(files.NegBio, []byte("subject_id,study_id,"+strings.Join(chexpert.Alphabetical[:], ",")+"\n1000x,50414267"+strings.Repeat(",", 14)+"\n"), 0o644)
	_, err = Build(context.Background(), Input{Files: files}, Options{NoReports: true, Labels: LabelsNegBio})
	if err == nil || !strings.Contains(err.Error(), files.NegBio+": line 2") {
		t.Errorf("bad label row: %v", err)
	}
	os.WriteFile(files.Split, []byte("dicom_id,study_id,subject_id,split\na,1,2,train\na,1,2,train\n"), 0o644)
	_, err = Build(context.Background(), Input{Files: files}, Options{NoReports: true})
	if err == nil || !strings.Contains(err.Error(), files.Split+": line 3") {
		t.Errorf("duplicate split row: %v", err)
	}
	if _, err := Build(context.Background(), Input{Files: files}, Options{}); err == nil {
		t.Error("no report source accepted")
	}
}

func TestAssignSplits(t *testing.T) {
	c := buildSmall(t, nil, "dir", Options{})
	if err := c.AssignSplits(split.ModeOfficial, 0); err == nil {
		t.Error("official split with an image absent from the split file accepted")
	}
	if err := c.AssignSplits(split.ModeCXLSeg, 1); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Records {
		if r.Split != split.Train && r.Split != split.Validate && r.Split != split.Test {
			t.Errorf("split %q", r.Split)
		}
	}
	c = buildSmall(t, nil, "dir", Options{RequireSplit: true})
	if err := c.AssignSplits(split.ModeOfficial, 0); err != nil {
		t.Fatal(err)
	}
	if c.Records[0].Split != "train" || c.Records[2].Split != "test" {
		t.Errorf("official: %q %q", c.Records[0].Split, c.Records[2].Split)
	}
}

func TestCancel(t *testing.T) {
	root := t.TempDir()
	if _, err := mt.WriteLarge(root, 10000, false); err != nil {
		t.Fatal(err)
	}
	files, _ := mimic.Locate(root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, Input{Files: files, Images: allImages{}}, Options{NoReports: true}); err != context.Canceled {
		t.Errorf("cancelled build: %v", err)
	}
}

// allImages says every image exists.
type allImages struct{}

func (allImages) Check(string) error { return nil }

// TestImageFilenamesIsUsed: with IMAGE_FILENAMES present, an image file
// that exists but is not listed counts as missing (no stat fallback), and
// a listed image without a file counts as present.
func TestImageFilenamesIsUsed(t *testing.T) {
	root := t.TempDir()
	tree := mt.SmallTree()
	tree.ImageFilenames = true
	reportsRoot, err := tree.Write(root)
	if err != nil {
		t.Fatal(err)
	}
	list := "files/p10/p10000032/s50414267/" + mt.KeptPA + ".jpg\nfiles/p10/p10000034/s50414273/" + mt.MissingFile + ".jpg\n"
	os.WriteFile(filepath.Join(root, "IMAGE_FILENAMES"), []byte(list), 0o644)
	files, _ := mimic.Locate(root)
	src, _ := mimic.OpenReports(reportsRoot)
	c, err := Build(context.Background(), Input{Files: files, Reports: src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(c.Records); !reflect.DeepEqual(got, []string{mt.KeptPA}) {
		t.Errorf("records %v, want only %s", got, mt.KeptPA)
	}
	if r := reasons(c.Exclusions); r[mt.KeptSecondPA] != ReasonMissingImage || r[mt.MissingFile] != ReasonNoReport {
		t.Errorf("exclusions %v", r)
	}
}

// TestTruncatedGzip: a truncated gzip CSV is an error naming the file.
func TestTruncatedGzip(t *testing.T) {
	for _, name := range []string{"mimic-cxr-2.0.0-metadata.csv.gz", "mimic-cxr-2.0.0-split.csv.gz", "mimic-cxr-2.0.0-chexpert.csv.gz"} {
		root := t.TempDir()
		tree := mt.SmallTree()
		tree.Gzip = true
		if _, err := tree.Write(root); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, name)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)-12], 0o644) // cut the gzip trailer and some data
		files, _ := mimic.Locate(root)
		_, err := Build(context.Background(), Input{Files: files}, Options{NoReports: true, Labels: LabelsCheXpert})
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s truncated: %v", name, err)
		}
	}
}

// failingReports fails for one study with an I/O error.
type failingReports struct{ mimic.ReportSource }

func (f failingReports) Report(subject, study string) ([]byte, error) {
	if study == "50414268" {
		return nil, errors.New("read report: input/output error")
	}
	return f.ReportSource.Report(subject, study)
}

// TestUnreadableReport: a report that cannot be read excludes its study's
// images with report_unreadable; the rest goes on.
func TestUnreadableReport(t *testing.T) {
	root := t.TempDir()
	reportsRoot, err := mt.SmallTree().Write(root)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := mimic.Locate(root)
	src, _ := mimic.OpenReports(reportsRoot)
	c, err := Build(context.Background(), Input{Files: files, Reports: failingReports{src}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := reasons(c.Exclusions); r[mt.KeptAPNoLabels] != ReasonReportUnreadable {
		t.Errorf("exclusions %v", r)
	}
	if got := ids(c.Records); !reflect.DeepEqual(got, []string{mt.KeptPA, mt.KeptSecondPA, mt.NoSplitRow}) {
		t.Errorf("records %v", got)
	}
}
