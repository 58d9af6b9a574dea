package cxlcsv

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/mimic"
	mt "github.com/cxlseg/cxlseg/internal/mimic/mimictest"
	"github.com/cxlseg/cxlseg/internal/split"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// buildDataset runs the hand-built tree through the catalog and the split.
func buildDataset(t *testing.T, reportsZip bool, seed uint64) Dataset {
	t.Helper()
	root := t.TempDir()
	reportsRoot, err := mt.SmallTree().Write(root)
	if err != nil {
		t.Fatal(err)
	}
	reports := reportsRoot
	if reportsZip {
		reports = filepath.Join(t.TempDir(), "mimic-cxr-reports.zip")
		if err := mt.WriteZip(reports, reportsRoot, "files/"); err != nil {
			t.Fatal(err)
		}
	}
	files, err := mimic.Locate(root)
	if err != nil {
		t.Fatal(err)
	}
	src, err := mimic.OpenReports(reports)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c, err := catalog.Build(context.Background(), catalog.Input{Files: files, Reports: src}, catalog.Options{Labels: catalog.LabelsCheXpert})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AssignSplits(split.ModeCXLSeg, seed); err != nil {
		t.Fatal(err)
	}
	return FromCatalog(c)
}

// TestEndToEnd: hand-built MIMIC tree -> catalog -> CSVs; columns, rows,
// exclusions, and byte-identical output across runs and report sources.
func TestEndToEnd(t *testing.T) {
	out := t.TempDir()
	d := buildDataset(t, false, 7)
	if err := WriteAll(out, d); err != nil {
		t.Fatal(err)
	}
	kept := []string{mt.KeptPA, mt.KeptSecondPA, mt.KeptAPNoLabels, mt.NoSplitRow}

	md := testenv.ReadCSV(t, filepath.Join(out, MetadataFile))
	wantHeader := append(append([]string(nil), mt.MetadataHeader...), "Reports", "DicomPath")
	if !reflect.DeepEqual(md[0], wantHeader) {
		t.Errorf("metadata header %q", md[0])
	}
	if len(md) != 1+len(kept) {
		t.Fatalf("metadata has %d rows", len(md)-1)
	}
	for i, id := range kept {
		row := md[i+1]
		if row[0] != id {
			t.Errorf("metadata row %d is %s, want %s", i, row[0], id)
		}
		if !strings.HasPrefix(row[len(row)-1], "files/p10/") || !strings.HasSuffix(row[len(row)-1], "/"+id+".jpg") {
			t.Errorf("DicomPath %q", row[len(row)-1])
		}
	}
	if md[1][12] != "No acute cardiopulmonary process." || md[1][4] != "PA" {
		t.Errorf("row 1 %q", md[1])
	}

	seg := testenv.ReadCSV(t, filepath.Join(out, SegmentedFile))
	if want := append([]string{"dicom_id", "subject_id", "study_id", "DicomPath"}, chexpert.Alphabetical[:]...); !reflect.DeepEqual(seg[0], want) {
		t.Errorf("segmented header %q", seg[0])
	}
	// KeptPA's study: Cardiomegaly 1.0, Edema -1.0, Pleural Effusion 0.0.
	col := map[string]int{}
	for i, n := range seg[0] {
		col[n] = i
	}
	if r := seg[1]; r[col["Cardiomegaly"]] != "1.0" || r[col["Edema"]] != "-1.0" || r[col["Pleural Effusion"]] != "0.0" || r[col["Atelectasis"]] != "" || r[col["Support Devices"]] != "1.0" {
		t.Errorf("labels of %s: %q", mt.KeptPA, r)
	}
	if r := seg[4]; r[col["No Finding"]] != "1.0" {
		t.Errorf("labels of %s: %q", mt.NoSplitRow, r)
	}

	mask := testenv.ReadCSV(t, filepath.Join(out, MaskFile))
	if !reflect.DeepEqual(mask[0], []string{"dicom_id", "subject_id", "study_id", "DicomPath"}) || mask[1][3] != "files/p10/p10000032/s50414267/"+mt.KeptPA+"-mask.jpg" {
		t.Errorf("mask csv %q", mask[:2])
	}

	sp := testenv.ReadCSV(t, filepath.Join(out, SplitFile))
	if !reflect.DeepEqual(sp[0], []string{"dicom_id", "subject_id", "study_id", "split"}) || len(sp) != 5 {
		t.Errorf("split csv %q", sp)
	}
	for _, r := range sp[1:] {
		if r[3] != "train" && r[3] != "validate" && r[3] != "test" {
			t.Errorf("split %q", r)
		}
	}

	ex := testenv.ReadCSV(t, filepath.Join(out, ExclusionsFile))
	if !reflect.DeepEqual(ex[0], []string{"dicom_id", "subject_id", "study_id", "reason", "detail"}) || len(ex) != 12 {
		t.Fatalf("exclusions %d rows, header %q", len(ex)-1, ex[0])
	}
	got := map[string]bool{}
	for _, r := range ex[1:] {
		got[r[0]+" "+r[3]] = true
	}
	for _, want := range []string{mt.UnsafeDicom + " bad_id", mt.Lateral + " not_frontal", mt.NoReport + " no_report",
		mt.EmptyReport + " empty_report", mt.Latin1Report + " report_not_utf8", mt.MissingFile + " missing_image",
		mt.KeptPA + " duplicate", mt.Mismatch + " id_mismatch"} {
		if !got[want] {
			t.Errorf("exclusions lack %q", want)
		}
	}

	// Same inputs (even read from a zip instead of files) give the same bytes.
	out2 := t.TempDir()
	if err := WriteAll(out2, buildDataset(t, true, 7)); err != nil {
		t.Fatal(err)
	}
	// Exclusion details use relative paths, so even the exclusions match
	// although the two trees live in different folders.
	for _, name := range []string{MetadataFile, SplitFile, SegmentedFile, MaskFile, ExclusionsFile} {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join(out2, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between runs:\n%s\n%s", name, a, b)
		}
		if bytes.Contains(a, []byte(os.TempDir())) {
			t.Errorf("%s mentions the temporary folder:\n%s", name, a)
		}
	}
	// Only the five CSVs: no temporary files left behind.
	entries, _ := os.ReadDir(out)
	if len(entries) != 5 {
		t.Errorf("output folder holds %d entries", len(entries))
	}
}

// TestOrderIndependent: records and exclusions given in any order give
// the same bytes.
func TestOrderIndependent(t *testing.T) {
	d := buildDataset(t, false, 3)
	a, b := t.TempDir(), t.TempDir()
	if err := WriteAll(a, d); err != nil {
		t.Fatal(err)
	}
	rev := d
	rev.Records = append([]catalog.Record(nil), d.Records...)
	rev.Exclusions = append([]catalog.Exclusion(nil), d.Exclusions...)
	for i, j := 0, len(rev.Records)-1; i < j; i, j = i+1, j-1 {
		rev.Records[i], rev.Records[j] = rev.Records[j], rev.Records[i]
	}
	for i, j := 0, len(rev.Exclusions)-1; i < j; i, j = i+1, j-1 {
		rev.Exclusions[i], rev.Exclusions[j] = rev.Exclusions[j], rev.Exclusions[i]
	}
	if err := WriteAll(b, rev); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MetadataFile, SplitFile, SegmentedFile, MaskFile, ExclusionsFile} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s depends on input order", name)
		}
	}
}

// TestReportQuoting: report texts with commas, quotes and newlines round
// trip through the CSV.
func TestReportQuoting(t *testing.T) {
	d := buildDataset(t, false, 1)
	d.Records[0].Report = "Line one, with comma.\n\"Quoted\" line two.\r\nThree"
	out := t.TempDir()
	if err := WriteAll(out, d); err != nil {
		t.Fatal(err)
	}
	md := testenv.ReadCSV(t, filepath.Join(out, MetadataFile))
	// encoding/csv reads \r\n inside a quoted field back as \n.
	if got := md[1][12]; got != "Line one, with comma.\n\"Quoted\" line two.\nThree" {
		t.Errorf("report round trip: %q", got)
	}
}

func TestWriteErrors(t *testing.T) {
	d := buildDataset(t, false, 1)
	d.Records[1].Split = ""
	out := t.TempDir()
	if err := WriteAll(out, d); err == nil || !strings.Contains(err.Error(), SplitFile) || !strings.Contains(err.Error(), "no split") {
		t.Errorf("missing split: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, SplitFile)); !os.IsNotExist(err) {
		t.Errorf("failed write left %s behind: %v", SplitFile, err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	d = buildDataset(t, false, 1)
	d.MetadataHeader = append(d.MetadataHeader[:len(d.MetadataHeader):len(d.MetadataHeader)], "Reports")
	if err := WriteAll(t.TempDir(), d); err == nil {
		t.Error("metadata header with Reports accepted")
	}
	if err := WriteAll(filepath.Join(out, "missing", "dir"), buildDataset(t, false, 1)); err == nil {
		t.Error("write into a missing folder succeeded")
	}
}

// TestNoLabels: without labels, the 14 label columns are present and empty.
func TestNoLabels(t *testing.T) {
	d := buildDataset(t, false, 1)
	d.LabelNames = nil
	for i := range d.Records {
		d.Records[i].Labels = nil
	}
	out := t.TempDir()
	if err := WriteAll(out, d); err != nil {
		t.Fatal(err)
	}
	seg := testenv.ReadCSV(t, filepath.Join(out, SegmentedFile))
	if len(seg[0]) != 18 || strings.Join(seg[1][4:], "") != "" {
		t.Errorf("segmented without labels: %q", seg[:2])
	}
}
