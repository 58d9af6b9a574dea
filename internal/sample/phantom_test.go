package sample

import (
	"bytes"
	"image"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/cxlseg/cxlseg/internal/imgproc/jpegenc"
)

// regionMean is the mean of img where mask == want.
func regionMean(img, mask *image.Gray, want uint8, r image.Rectangle) float64 {
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if mask.GrayAt(x, y).Y == want {
				sum += float64(img.GrayAt(x, y).Y)
				n++
			}
		}
	}
	if n == 0 {
		return -1
	}
	return sum / n
}

// TestPhantomAnatomy checks, over many random phantoms at a reduced size,
// that the image has the grey-level order of a chest radiograph and that
// the mask is two lungs of plausible size.
func TestPhantomAnatomy(t *testing.T) {
	const w, h = 318, 382
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 12; k++ {
		p := RandomPhantom(r)
		img, mask := Phantom(p, w, h)
		var left, right, all int
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if mask.Pix[y*mask.Stride+x] == 255 {
					all++
					if x < w/2 {
						left++
					} else {
						right++
					}
				} else if mask.Pix[y*mask.Stride+x] != 0 {
					t.Fatalf("phantom %d: mask value %d", k, mask.Pix[y*mask.Stride+x])
				}
			}
		}
		frac := float64(all) / float64(w*h)
		if frac < 0.15 || frac > 0.45 {
			t.Errorf("phantom %d: lung fraction %.3f", k, frac)
		}
		if ratio := float64(left) / float64(right); ratio < 0.8 || ratio > 1.6 {
			t.Errorf("phantom %d: right/left lung area ratio %.2f", k, ratio)
		}
		// Lungs dark; the mediastinum and spine (central band between
		// the lungs) bright; the abdomen bright; air outside the body
		// darkest.
		full := image.Rect(0, 0, w, h)
		lung := regionMean(img, mask, 255, full)
		mediastinum := regionMean(img, mask, 0, image.Rect(w/2-w/30, h/4, w/2+w/30, h/2))
		abdomen := regionMean(img, mask, 0, image.Rect(w/4, h*85/100, w*3/4, h))
		air := regionMean(img, mask, 0, image.Rect(0, h/3, w/100+1, h*2/3))
		if !(air < lung && lung+40 < mediastinum && lung+40 < abdomen) {
			t.Errorf("phantom %d: grey levels air %.0f lung %.0f mediastinum %.0f abdomen %.0f", k, air, lung, mediastinum, abdomen)
		}
	}
}

// TestPhantomDeterministic: same parameters, same pixels; another seed,
// another image.
func TestPhantomDeterministic(t *testing.T) {
	p := RandomPhantom(rand.New(rand.NewPCG(5, 5)))
	a, am := Phantom(p, 200, 240)
	b, bm := Phantom(p, 200, 240)
	if !bytes.Equal(a.Pix, b.Pix) || !bytes.Equal(am.Pix, bm.Pix) {
		t.Fatal("same parameters gave different phantoms")
	}
	q := RandomPhantom(rand.New(rand.NewPCG(6, 5)))
	c, _ := Phantom(q, 200, 240)
	if bytes.Equal(a.Pix, c.Pix) {
		t.Fatal("different seeds gave the same phantom")
	}
	// A reused Renderer gives what a fresh one gives.
	var rd Renderer
	rd.Render(q, 200, 240)
	d, dm := rd.Render(p, 200, 240)
	if !bytes.Equal(a.Pix, d.Pix) || !bytes.Equal(am.Pix, dm.Pix) {
		t.Fatal("reused Renderer differs from a fresh one")
	}
}

// TestPhantomReport checks that reports and labels follow the anatomy.
func TestPhantomReport(t *testing.T) {
	normal := PhantomParams{HeartWidth: 0.16}
	sick := PhantomParams{HeartWidth: 0.23, Opacity: 40, OpacityX: 0.3, OpacityY: 0.5, OpacityR: 0.07}
	for style := 0; style < 3; style++ {
		rep, labels := phantomReport(normal, style)
		if labels["No Finding"] != "1.0" || len(labels) != 1 {
			t.Errorf("normal style %d: labels %v", style, labels)
		}
		if len(rep) == 0 {
			t.Error("empty report")
		}
		rep, labels = phantomReport(sick, style)
		if labels["Cardiomegaly"] != "1.0" || labels["Lung Opacity"] != "1.0" || labels["No Finding"] != "" {
			t.Errorf("sick style %d: labels %v", style, labels)
		}
		// OpacityX < 0.5 is the image's left: the patient's right.
		if !bytes.Contains(bytes.ToLower(rep), []byte("right lower lung")) {
			t.Errorf("style %d: report does not place the opacity: %s", style, rep)
		}
	}
}

// BenchmarkPhantom measures one MIMIC-size phantom: rendering, and
// rendering plus JPEG encoding at quality 95.
func BenchmarkPhantom(b *testing.B) {
	p := RandomPhantom(rand.New(rand.NewPCG(1, 1)))
	var rd Renderer
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rd.Render(p, PhantomWidth, PhantomHeight)
		}
	})
	enc := jpegenc.New(PhantomQuality)
	b.Run("render+jpeg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			img, _ := rd.Render(p, PhantomWidth, PhantomHeight)
			enc.Gray(io.Discard, img)
		}
	})
}
