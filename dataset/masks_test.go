package dataset_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// TestRLEMasks rewrites a fake dataset's CXLSeg-mask.csv in the RLE form
// cxlseg build --mask-format rle writes, and checks that LoadMask decodes
// what the JPEG masks held, that a bad string names its image, and that a
// file changed after Open is detected.
func TestRLEMasks(t *testing.T) {
	dir, ims := writeFake(t, datasettest.Options{})
	jpg, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("dicom_id,subject_id,study_id,Lungs,Height,Width\n")
	want := map[string][]byte{}
	for _, im := range ims {
		r, _ := jpg.Lookup(im.DicomID)
		m, err := r.LoadMask()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range m.Pix { // JPEG values near 0/255 become exact
			if v >= 128 {
				m.Pix[i] = 255
			} else {
				m.Pix[i] = 0
			}
		}
		want[im.DicomID] = m.Pix
		counts := dataset.EncodeRLE(m)
		if im.DicomID == ims[1].DicomID {
			counts = "" // an empty mask is an empty cell
			want[im.DicomID] = make([]byte, len(m.Pix))
		}
		fmt.Fprintf(&csv, "%s,%d,%d,%s,%d,%d\n", im.DicomID, r.SubjectID, r.StudyID, counts, m.Rect.Dy(), m.Rect.Dx())
	}
	maskCSV := filepath.Join(dir, "CXLSeg-mask.csv")
	if err := os.WriteFile(maskCSV, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ds.MaskFormat() != dataset.MaskRLE {
		t.Fatalf("mask format %q", ds.MaskFormat())
	}
	for r := range ds.All() {
		m, err := r.LoadMask()
		if err != nil {
			t.Fatal(err)
		}
		if r.MaskRel != "" || r.MaskPath != "" || !bytes.Equal(m.Pix, want[r.DicomID]) {
			t.Errorf("%s: RLE mask differs from the JPEG one (paths %q %q)", r.DicomID, r.MaskRel, r.MaskPath)
		}
	}
	// A corrupt string, same length so the other rows keep their offsets.
	r0, _ := ds.Lookup(ims[0].DicomID)
	rm, _, _ := r0.MaskRLE()
	bad := strings.Replace(csv.String(), ","+rm.Counts+",", ","+strings.Repeat("x", len(rm.Counts))+",", 1)
	if err := os.WriteFile(maskCSV, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r0.LoadMask(); err == nil || !strings.Contains(err.Error(), r0.DicomID) {
		t.Errorf("LoadMask of a corrupt RLE: %v", err)
	}
	// A file rewritten with other rows: the offset no longer holds the id.
	if err := os.WriteFile(maskCSV, []byte("dicom_id,subject_id,study_id,Lungs,Height,Width\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r2, _ := ds.Lookup(ims[2].DicomID)
	if _, err := r2.LoadMask(); err == nil {
		t.Error("LoadMask after CXLSeg-mask.csv was emptied succeeded")
	}
}

func TestOpenRejectsBadRLEColumns(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"dicom_id,subject_id,study_id,Lungs,Height\n", `"Width"`},
		{"dicom_id,subject_id,study_id,Lungs,Height,Width\nID,1,2,1 2,0,224\n", "Height"},
		{"dicom_id,subject_id,study_id,Lungs,Height,Width\nID,1,2,1 2,224,99999999\n", "Width"},
	} {
		dir, ims := writeFake(t, datasettest.Options{})
		body := strings.ReplaceAll(c.csv, "ID", ims[0].DicomID)
		if err := os.WriteFile(filepath.Join(dir, "CXLSeg-mask.csv"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Open(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error naming %s", c.csv, err, c.want)
		}
	}
}
