package sample

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/sections"
)

// TestTreeReadsWithMIMICReaders reads the sample tree with cxlseg's own
// MIMIC-CXR-JPG readers: every file is found, every row parses, and the
// reports are reachable by folder and by zip.
func TestTreeReadsWithMIMICReaders(t *testing.T) {
	dir := t.TempDir()
	sum, err := Write(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := mimic.Locate(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := mimic.OpenMetadata(files.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	defer md.Close()
	n := 0
	if err := md.ReadAll(func(r mimic.MetadataRow) error {
		if r.Err != nil {
			t.Errorf("metadata line %d: %v", r.Line, r.Err)
		}
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(sum.Images) {
		t.Errorf("metadata reader saw %d rows, want %d", n, len(sum.Images))
	}
	sp, err := mimic.OpenSplit(files.Split)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	if err := sp.ReadAll(func(r mimic.SplitRow) error {
		if r.Err != nil {
			t.Errorf("split line %d: %v", r.Line, r.Err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{files.CheXpert, files.NegBio} {
		lr, err := mimic.OpenLabels(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := lr.ReadAll(func(r mimic.LabelRow) error {
			if r.Err != nil {
				t.Errorf("%s line %d: %v", path, r.Line, r.Err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		lr.Close()
	}
	for _, src := range []string{dir, filepath.Join(dir, ReportsZipFile)} {
		rs, err := mimic.OpenReports(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range sum.Images {
			text, err := rs.Report(im.SubjectID, im.StudyID)
			switch {
			case im.Expect == ExpectNoReport:
				if !errors.Is(err, mimic.ErrNotFound) {
					t.Errorf("%s: study %s: want ErrNotFound, got %v", src, im.StudyID, err)
				}
			case err != nil:
				t.Errorf("%s: study %s: %v", src, im.StudyID, err)
			case im.Expect == ExpectEmptyReport:
				if len(text) != 0 {
					t.Errorf("%s: study %s: report should be empty", src, im.StudyID)
				}
			case sections.Extract(string(text)).Chosen() == "":
				t.Errorf("%s: study %s: no section text", src, im.StudyID)
			}
		}
		rs.Close()
	}
}
