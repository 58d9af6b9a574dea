package htmlreport

import (
	"image"
	"io"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// BenchmarkRender renders the fake dataset's report: 8 sample and 8
// worst-QA tiles (two JPEG decodes, a contour and a PNG encode each).
func BenchmarkRender(b *testing.B) {
	dir := b.TempDir()
	if _, err := datasettest.Write(dir, datasettest.Options{}); err != nil {
		b.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(io.Discard, ds, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContourPNG draws the contour of a two-ellipse 224x224 mask.
func BenchmarkContourPNG(b *testing.B) {
	m := image.NewGray(image.Rect(0, 0, 224, 224))
	for y := 0; y < 224; y++ {
		for x := 0; x < 224; x++ {
			for _, cx := range []float64{63, 161} {
				dx, dy := (float64(x)-cx)/34, (float64(y)-115)/74
				if dx*dx+dy*dy <= 1 {
					m.Pix[y*m.Stride+x] = 255
				}
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := contourPNG(m); err != nil {
			b.Fatal(err)
		}
	}
}
