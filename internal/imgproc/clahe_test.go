package imgproc

import (
	"image"
	"math/rand/v2"
	"testing"
)

// TestCLAHEConstant: a constant image stays constant (all tiles share one
// table), for random sizes, including images smaller than the tile grid.
func TestCLAHEConstant(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 100; i++ {
		w, h := 1+r.IntN(120), 1+r.IntN(120)
		tx, ty := 1+r.IntN(10), 1+r.IntN(10)
		clip := r.Float64() * 5
		src := image.NewGray(image.Rect(0, 0, w, h))
		v := byte(r.IntN(256))
		for j := range src.Pix {
			src.Pix[j] = v
		}
		dst := image.NewGray(src.Rect)
		NewCLAHE(clip, tx, ty).Apply(dst, src)
		for j, p := range dst.Pix {
			if p != dst.Pix[0] {
				t.Fatalf("%dx%d tiles %dx%d clip %.2f: pixel %d = %d, pixel 0 = %d", w, h, tx, ty, clip, j, p, dst.Pix[0])
			}
		}
	}
}

// TestCLAHEMonotone: within one tile (tiles 1x1) the mapping is a
// cumulative histogram, so a brighter input never maps darker.
func TestCLAHEMonotone(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	src := randomGray(r, 64, 48)
	dst := image.NewGray(src.Rect)
	NewCLAHE(2, 1, 1).Apply(dst, src)
	var lut [256]int
	for i := range lut {
		lut[i] = -1
	}
	for i, v := range src.Pix {
		if lut[v] >= 0 && lut[v] != int(dst.Pix[i]) {
			t.Fatalf("value %d mapped to %d and %d", v, lut[v], dst.Pix[i])
		}
		lut[v] = int(dst.Pix[i])
	}
	last := -1
	for v, m := range lut {
		if m < 0 {
			continue
		}
		if m < last {
			t.Fatalf("value %d maps to %d, below %d", v, m, last)
		}
		last = m
	}
}
