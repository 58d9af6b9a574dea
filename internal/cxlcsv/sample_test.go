package cxlcsv

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/sample"
	"github.com/cxlseg/cxlseg/internal/split"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestSampleTree runs the bundled sample tree (cxlseg sample) through the
// reader, the catalog and the CSV writers, and checks that every image
// meets the fate the sample planned for it.
func TestSampleTree(t *testing.T) {
	dir := t.TempDir()
	sum, err := sample.Write(dir, sample.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := mimic.Locate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if files.ImageFilenames == "" || files.CheXpert == "" || files.NegBio == "" || files.Split == "" {
		t.Fatalf("sample tree lacks files: %+v", files)
	}
	src, err := mimic.OpenReports(filepath.Join(dir, sample.ReportsZipFile))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c, err := catalog.Build(context.Background(), catalog.Input{Files: files, Reports: src}, catalog.Options{Labels: catalog.LabelsNegBio})
	if err != nil {
		t.Fatal(err)
	}
	fate := map[string]string{}
	for _, r := range c.Records {
		fate[r.DicomID] = sample.ExpectSelected
		if r.Report == "" {
			t.Errorf("%s has an empty Reports text", r.DicomID)
		}
	}
	for _, e := range c.Exclusions {
		fate[e.DicomID] = e.Reason
	}
	if len(sum.Images) != c.Rows {
		t.Fatalf("sample has %d images, catalog read %d rows", len(sum.Images), c.Rows)
	}
	if len(c.Records) == 0 || len(c.Records) != sum.Count(sample.ExpectSelected) || len(c.Exclusions) == 0 {
		t.Fatalf("%d records, %d exclusions; sample plans %d selected", len(c.Records), len(c.Exclusions), sum.Count(sample.ExpectSelected))
	}
	for _, im := range sum.Images {
		if fate[im.DicomID] != im.Expect {
			t.Errorf("%s (%s): got %q, sample expects %q", im.DicomID, im.ViewPosition, fate[im.DicomID], im.Expect)
		}
	}
	for _, mode := range []split.Mode{split.ModeCXLSeg, split.ModePatient} {
		if err := c.AssignSplits(mode, split.DefaultSeed); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if err := WriteAll(out, FromCatalog(c)); err != nil {
			t.Fatal(err)
		}
		if rows := testenv.ReadCSV(t, filepath.Join(out, SplitFile)); len(rows)-1 != sum.Count(sample.ExpectSelected) {
			t.Errorf("%s: split has %d rows, want %d", mode, len(rows)-1, sum.Count(sample.ExpectSelected))
		}
		if _, err := os.Stat(filepath.Join(out, ExclusionsFile)); err != nil {
			t.Error(err)
		}
	}
}
