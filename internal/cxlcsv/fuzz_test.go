package cxlcsv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/split"
)

// everyImage says every image exists, so fuzzed rows reach the writers.
type everyImage struct{}

func (everyImage) Check(string) error { return nil }

// FuzzMetadataToCSVs runs arbitrary metadata bytes through the catalog,
// the split and the writers: no panic; every metadata row is a record or
// one exclusion; every path in the CSVs is a clean relative path under
// files/; and nothing but the five CSVs appears in the output folder.
func FuzzMetadataToCSVs(f *testing.F) {
	h := "dicom_id,subject_id,study_id,ViewPosition,Rows\n"
	f.Add([]byte(h + "a1,10000032,50414267,PA,3056\na2,10000032,50414267,LATERAL,3056\n"))
	f.Add([]byte(h + "../../x,10000032,50414267,PA,1\na/b,1,2,AP,1\na..b,1,2,AP,1\n.a,1,2,PA,\na1,1,2,PA,\na1,1,2,PA,\n"))
	f.Add([]byte(h + "a1,0,2,PA,1\na2,01,2,PA,1\na3,1,2,PA\n"))
	f.Add([]byte("ViewPosition,study_id,dicom_id,subject_id,Reports\nPA,1,a,2,\"x,\ny\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		md := filepath.Join(root, mimic.MetadataName)
		if err := os.WriteFile(md, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := catalog.Build(context.Background(), catalog.Input{Files: mimic.Files{Root: root, Metadata: md}, Images: everyImage{}},
			catalog.Options{NoReports: true})
		if err != nil {
			return // a structural error, reported with the file name
		}
		if len(c.Records)+len(c.Exclusions) != c.Rows {
			t.Fatalf("%d records + %d exclusions != %d rows", len(c.Records), len(c.Exclusions), c.Rows)
		}
		if err := c.AssignSplits(split.ModeCXLSeg, 1); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(root, "out")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteAll(out, FromCatalog(c)); err != nil {
			if strings.Contains(err.Error(), "already has a") {
				return // the metadata itself has a Reports or DicomPath column
			}
			t.Fatal(err)
		}
		for _, r := range c.Records {
			for _, p := range []string{r.DicomPath, r.MaskPath} {
				if !strings.HasPrefix(p, "files/p") || strings.Contains(p, "..") || filepath.Clean(p) != filepath.FromSlash(p) {
					t.Fatalf("unsafe path %q", p)
				}
			}
			if rel, err := filepath.Rel(root, r.SourcePath); err != nil || strings.HasPrefix(rel, "..") {
				t.Fatalf("source %q outside the root", r.SourcePath)
			}
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 2 {
			t.Fatalf("root holds %d entries", len(entries))
		}
		entries, _ = os.ReadDir(out)
		if len(entries) != 5 {
			t.Fatalf("output holds %d entries", len(entries))
		}
	})
}
