package builder

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/export"
	"github.com/cxlseg/cxlseg/internal/htmlreport"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// buildOutputs runs the mini tree's build at a size and mask format and
// opens the result with package dataset, as a user would.
func buildOutputs(t *testing.T, root string, size int, format string) (string, *dataset.Dataset) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	o := testOptions(root, out, 0)
	o.Size, o.MaskFormat = size, format
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatalf("build --size %s --mask-format %s: %v", SizeText(size), format, err)
	}
	ds, err := dataset.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, ds
}

// TestOutputSizesAndMaskFormats builds the mini tree at 512 and at the
// originals' size with each mask format and reads every image and mask
// back through package dataset.
func TestOutputSizesAndMaskFormats(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mimic")
	writeMiniMimic(t, root, 4, nil)
	masks := map[string]map[string][]byte{} // size -> dicom_id -> mask pixels
	for _, c := range []struct {
		size   int
		format string
	}{{512, MaskPNG}, {512, MaskRLE}, {512, MaskJPEG}, {SizeNative, MaskPNG}, {SizeNative, MaskRLE}, {224, MaskRLE}} {
		name := SizeText(c.size) + "-" + c.format
		t.Run(name, func(t *testing.T) {
			out, ds := buildOutputs(t, root, c.size, c.format)
			if ds.Len() != 4 || ds.MaskFormat() != c.format {
				t.Fatalf("%d images, mask format %q", ds.Len(), ds.MaskFormat())
			}
			w, h := outputDims(c.size, miniW, miniH)
			for r := range ds.All() {
				img, err := r.LoadImage()
				if err != nil {
					t.Fatal(err)
				}
				m, err := r.LoadMask()
				if err != nil {
					t.Fatal(err)
				}
				if img.Rect.Dx() != w || img.Rect.Dy() != h || m.Rect.Dx() != w || m.Rect.Dy() != h {
					t.Fatalf("%s: image %v, mask %v, want %dx%d", r.DicomID, img.Rect, m.Rect, w, h)
				}
				fg := 0
				for i, v := range m.Pix {
					if c.format != MaskJPEG && v != 0 && v != 255 {
						t.Fatalf("%s: lossless mask has value %d", r.DicomID, v)
					}
					if v >= 128 {
						fg++
					} else if img.Pix[i] > 8 {
						t.Fatalf("%s: segmented image is %d outside the lungs", r.DicomID, img.Pix[i])
					}
				}
				if f := float64(fg) / float64(w*h); f < 0.15 || f > 0.5 {
					t.Errorf("%s: lung fraction %.3f", r.DicomID, f)
				}
				key := SizeText(c.size)
				if c.format == MaskJPEG {
					continue
				}
				if masks[key] == nil {
					masks[key] = map[string][]byte{}
				}
				if prev, ok := masks[key][r.DicomID]; ok && !bytes.Equal(prev, m.Pix) {
					t.Errorf("%s: PNG and RLE masks differ", r.DicomID)
				}
				masks[key][r.DicomID] = m.Pix
			}
			if c.format == MaskRLE {
				if ms, _ := filepath.Glob(filepath.Join(out, "files", "*", "*", "*", "*-mask.*")); len(ms) > 0 {
					t.Errorf("RLE build wrote mask files: %v", ms)
				}
				hdr, _ := os.ReadFile(filepath.Join(out, "CXLSeg-mask.csv"))
				if !strings.HasPrefix(string(hdr), "dicom_id,subject_id,study_id,Lungs,Height,Width\n") {
					t.Errorf("CXLSeg-mask.csv header: %.80q", hdr)
				}
			}
			m, err := readManifest(filepath.Join(out, ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			if m.Pipeline.OutputSize != SizeText(c.size) || m.Pipeline.MaskFormat != c.format || (c.size != 224) != (m.Pipeline.MaskScaling != "") {
				t.Errorf("manifest pipeline %+v", m.Pipeline)
			}
		})
	}
}

// TestResumeRefusesOtherOutputs: a build resumed with another size, mask
// format or inference precision would mix outputs, so it is refused; the
// same options resume.
func TestResumeRefusesOtherOutputs(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 3, nil)
	o := testOptions(root, out, 0)
	o.Size = 512
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		size   int
		format string
	}{{224, MaskJPEG}, {SizeNative, MaskJPEG}, {512, MaskRLE}} {
		o2 := o
		o2.Size, o2.MaskFormat = c.size, c.format
		_, err := Run(context.Background(), o2)
		if err == nil || !strings.Contains(err.Error(), "the outputs changed") {
			t.Errorf("resume as --size %s --mask-format %s: %v", SizeText(c.size), c.format, err)
		}
	}
	// The same outputs from int8 inference instead of fp32: refused too.
	o8 := o
	o8.OpenBackend = func(*Options) (segment.Backend, BackendInfo, error) {
		return newLungBackend(0), BackendInfo{Name: "test-lungs int8", Why: "test", Precision: "int8"}, nil
	}
	if _, err := Run(context.Background(), o8); err == nil || !strings.Contains(err.Error(), "precision changed") {
		t.Errorf("resume in int8: %v", err)
	}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Skipped != 3 {
		t.Errorf("same options: %d of 3 images skipped", res.Stats.Skipped)
	}
}

// TestPythonRLESnippet runs docs/python.md's CheXmask-style decoder on a
// real RLE build and checks it reads every mask as package dataset does.
func TestPythonRLESnippet(t *testing.T) {
	code := testenv.DocSnippet(t, "../../docs/python.md", "rle")
	python := testenv.Python(t, "numpy", "pandas")
	root := filepath.Join(t.TempDir(), "mimic")
	writeMiniMimic(t, root, 3, nil)
	out, ds := buildOutputs(t, root, SizeNative, MaskRLE)
	cmd := exec.Command(python, "-c", code)
	cmd.Env = append(os.Environ(), "CXLSEG_DATA="+out)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("snippet: %v\n%s", err, got)
	}
	var want strings.Builder
	for r := range ds.All() {
		m, err := r.LoadMask()
		if err != nil {
			t.Fatal(err)
		}
		want.WriteString(fmt.Sprintf("%s (%d, %d) %d\n", r.DicomID, m.Rect.Dy(), m.Rect.Dx(), lungPixels(m)))
	}
	if string(got) != want.String() {
		t.Errorf("Python printed:\n%s\nGo reads:\n%s", got, want.String())
	}
}

func lungPixels(m *image.Gray) int {
	n := 0
	for _, v := range m.Pix {
		if v >= 128 {
			n++
		}
	}
	return n
}

// TestReportAndExportAtAnySize draws the HTML report of native-size and
// 512 builds (tiles reduced to fit, page small) and exports an RLE
// dataset for segmentation (the CheXmask columns instead of mask paths).
func TestReportAndExportAtAnySize(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mimic")
	writeMiniMimic(t, root, 4, nil)
	for _, c := range []struct {
		size   int
		format string
	}{{SizeNative, MaskRLE}, {512, MaskPNG}} {
		out, ds := buildOutputs(t, root, c.size, c.format)
		page := filepath.Join(out, "report.html")
		sum, err := htmlreport.Write(ds, page, htmlreport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Tiles == 0 || len(sum.Problems) > 0 {
			t.Errorf("%s %s: %d tiles, problems %v", SizeText(c.size), c.format, sum.Tiles, sum.Problems)
		}
		html, _ := os.ReadFile(page)
		if bytes.Contains(html, []byte(`width="512"`)) || bytes.Contains(html, []byte(`width="288"`)) {
			t.Errorf("%s: tiles drawn at the output size, not reduced", SizeText(c.size))
		}
		if c.format != MaskRLE {
			continue
		}
		expDir := filepath.Join(out, "export")
		if _, err := export.Write(ds, expDir, export.Options{Task: export.Segmentation}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(expDir, "train.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 || strings.Join(rows[0], ",") != "DicomPath,Lungs,Height,Width" {
			t.Fatalf("segmentation export of an RLE dataset: %q", rows)
		}
		r, _ := ds.Lookup(strings.TrimSuffix(filepath.Base(rows[1][0]), ".jpg"))
		m, err := r.LoadMask()
		if err != nil {
			t.Fatal(err)
		}
		if got, err := dataset.DecodeRLE(rows[1][1], miniW, miniH); err != nil || !bytes.Equal(got.Pix, m.Pix) || rows[1][2] != fmt.Sprint(miniH) {
			t.Errorf("exported RLE row %q does not decode to the dataset's mask: %v", rows[1][2:], err)
		}
	}
}
