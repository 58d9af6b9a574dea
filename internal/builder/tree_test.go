package builder

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// Image kinds of the mini tree (index -> kind).
const (
	kindLateral   = "lateral"   // ViewPosition LATERAL: not selected
	kindNoReport  = "noreport"  // study without a report file
	kindMissing   = "missing"   // listed but no image file
	kindCorrupt   = "corrupt"   // not a JPEG
	kindZero      = "zero"      // zero-byte file
	kindRGB       = "rgb"       // colour JPEG: converted, kept with a note
	kindSizeBad   = "sizebad"   // Rows/Columns disagree with the file
	kindDup       = "dup"       // the metadata lists the previous image again
	kindTruncated = "truncated" // a JPEG cut short
	kindTiny      = "tiny"      // a 16x16 JPEG: not a radiograph
)

// miniW and miniH are the mini tree's image size: small, so tests are fast.
const miniW, miniH = 288, 256

// writeMiniMimic writes a MIMIC-CXR-JPG-shaped tree of n images under
// root: metadata, split and chexpert CSVs, reports, JPEGs.
func writeMiniMimic(t testing.TB, root string, n int, kinds map[int]string) {
	t.Helper()
	var meta, spl, lab strings.Builder
	meta.WriteString("dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,PatientOrientationCodeSequence_CodeMeaning\n")
	spl.WriteString("dicom_id,study_id,subject_id,split\n")
	lab.WriteString("subject_id,study_id," + strings.Join(chexpert.Alphabetical[:], ",") + "\n")
	gray := image.NewGray(image.Rect(0, 0, miniW, miniH))
	for i := range n {
		kind := kinds[i]
		j := i
		if kind == kindDup && i > 0 {
			j = i - 1
		}
		id := fmt.Sprintf("%08x-%08x", 0x1000+j*7919, j)
		subject := fmt.Sprint(10000000 + j/3)
		study := fmt.Sprint(50000000 + j)
		view, rows, cols := "PA", miniH, miniW
		if j%2 == 1 {
			view = "AP"
		}
		if kind == kindLateral {
			view = "LATERAL"
		}
		if kind == kindSizeBad {
			rows, cols = 3056, 2544
		}
		fmt.Fprintf(&meta, "%s,%s,%s,CHEST (PA AND LAT),%s,%d,%d,21800506,213014.531,CHEST (PA AND LAT),postero-anterior,Erect\n", id, subject, study, view, rows, cols)
		if kind == kindDup {
			continue
		}
		fmt.Fprintf(&spl, "%s,%s,%s,train\n", id, study, subject)
		labels := make([]string, 14)
		labels[j%14] = "1.0"
		labels[(j+5)%14] = "-1.0"
		fmt.Fprintf(&lab, "%s,%s,%s\n", subject, study, strings.Join(labels, ","))
		dir := filepath.Join(root, "files", "p"+subject[:2], "p"+subject)
		if err := os.MkdirAll(filepath.Join(dir, "s"+study), 0o755); err != nil {
			t.Fatal(err)
		}
		if kind != kindNoReport {
			rep := fmt.Sprintf("                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n \n FINDINGS:  Image %d, lungs clear.\n \n IMPRESSION:  No acute process, study %s.\n", i, study)
			if err := os.WriteFile(filepath.Join(dir, "s"+study+".txt"), []byte(rep), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var data []byte
		switch kind {
		case kindMissing:
			continue
		case kindZero:
		case kindCorrupt:
			data = []byte("\x89PNG\r\n\x1a\n a PNG named .jpg")
		default:
			for y := range miniH {
				for x := range miniW {
					gray.Pix[y*gray.Stride+x] = uint8((x*3 + y*5 + i*17) % 251)
				}
			}
			var src image.Image = gray
			if kind == kindTiny {
				src = gray.SubImage(image.Rect(0, 0, 16, 16))
			}
			if kind == kindRGB {
				rgb := image.NewRGBA(gray.Rect)
				for k, v := range gray.Pix {
					rgb.Pix[4*k], rgb.Pix[4*k+1], rgb.Pix[4*k+2], rgb.Pix[4*k+3] = v, v/2, 255-v, 255
				}
				src = rgb
			}
			var b bytes.Buffer
			if err := jpeg.Encode(&b, src, &jpeg.Options{Quality: 90}); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
			if kind == kindTruncated {
				data = data[:len(data)*2/3]
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "s"+study, id+".jpg"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]string{"mimic-cxr-2.0.0-metadata.csv": meta.String(),
		"mimic-cxr-2.0.0-split.csv": spl.String(), "mimic-cxr-2.0.0-chexpert.csv": lab.String()} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lungBackend returns two elliptical "lungs" placed by the input (the
// ellipses move with the mean of the top-left quarter of the picture, so
// images differ and a mask written for the wrong image is caught), after
// an optional delay per batch (so a test can kill a run mid-way).
type lungBackend struct {
	delay time.Duration
	probs []float32
}

func newLungBackend(delay time.Duration) *lungBackend {
	const s = segment.Size
	b := &lungBackend{delay: delay, probs: make([]float32, s*s)}
	for y := range s {
		for x := range s {
			p := float32(0.02)
			for _, cx := range []float64{0.3, 0.7} {
				dx, dy := (float64(x)/s-cx)/0.14, (float64(y)/s-0.5)/0.3
				if dx*dx+dy*dy < 1 {
					p = 0.97
				}
			}
			b.probs[y*s+x] = p
		}
	}
	return b
}

func (b *lungBackend) Name() string  { return "test-lungs" }
func (b *lungBackend) MaxBatch() int { return 16 }
func (b *lungBackend) Close() error  { return nil }
func (b *lungBackend) Predict(in []float32, n int, probs []float32) error {
	time.Sleep(b.delay)
	const s = segment.Size
	for i := range n {
		img := in[i*s*s : (i+1)*s*s]
		var m float32
		for y := range s / 2 {
			for _, v := range img[y*s : y*s+s/2] {
				m += v
			}
		}
		shift := int(m/(s*s/4)*24) - 12 // -12..12 pixels
		dst := probs[i*s*s : (i+1)*s*s]
		for y := range s {
			for x := range s {
				sx := x - shift
				if sx < 0 || sx >= s {
					dst[y*s+x] = 0.02
					continue
				}
				dst[y*s+x] = b.probs[y*s+sx]
			}
		}
	}
	return nil
}

// testOptions returns options for a build of root into out with the
// lung backend.
func testOptions(root, out string, delay time.Duration) Options {
	o := Defaults()
	o.Mimic, o.Out = root, out
	o.Workers = 2
	o.Batch = 4
	o.OpenBackend = func(*Options) (segment.Backend, BackendInfo, error) {
		return newLungBackend(delay), BackendInfo{Name: "test-lungs", Why: "test"}, nil
	}
	return o
}
