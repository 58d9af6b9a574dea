package plot

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{1, 20, []float64{0, 5, 10, 15, 20}},
		{0.91, 0.97, []float64{0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97}},
	}
	for _, tc := range tests {
		if got := ticks(tc.lo, tc.hi, 6); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ticks(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
	if got := label(0.5, []float64{0, 0.5}); got != "0.5" {
		t.Errorf("label = %q", got)
	}
	if got := label(10, []float64{0, 5}); got != "10" {
		t.Errorf("label = %q", got)
	}
}

func TestWritePNGDrawsSeries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curves.png")
	red := color.RGBA{214, 39, 40, 255}
	loss := Chart{Title: "Loss", XLabel: "epoch", YLabel: "loss", Series: []Series{
		{Name: "train", X: []float64{1, 2, 3}, Y: []float64{0.9, 0.5, 0.3}, Color: red},
	}}
	dice := Chart{Title: "Dice", XLabel: "epoch", YLabel: "dice", Series: []Series{
		{Name: "validate", X: []float64{1}, Y: []float64{0.8}},
	}}
	if err := WritePNG(path, 900, 400, loss, dice); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 400 {
		t.Fatalf("size %v", b)
	}
	// The red series must have put ink in the left panel only.
	var left, rightN int
	for y := 0; y < 400; y++ {
		for x := 0; x < 900; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 == 214 && g>>8 == 39 && b>>8 == 40 {
				if x < 450 {
					left++
				} else {
					rightN++
				}
			}
		}
	}
	if left < 100 || rightN != 0 {
		t.Errorf("red pixels: %d left, %d right", left, rightN)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestRenderEmptyAndNaN(t *testing.T) {
	nan := 0.0
	nan = nan / nan
	img := Render(300, 200, Chart{Title: "x", Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{nan, nan}}}})
	if img.Bounds().Dx() != 300 {
		t.Fatal("bad size")
	}
	if Render(10, 10).Bounds().Dy() != 10 {
		t.Fatal("bad size")
	}
}

func TestGlyphsWellFormed(t *testing.T) {
	for r, g := range glyphs {
		for _, row := range g {
			if len(row) != 5 {
				t.Errorf("glyph %q row %q not 5 wide", r, row)
			}
		}
	}
}
