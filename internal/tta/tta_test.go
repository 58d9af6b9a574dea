package tta

import (
	"math"
	"testing"
)

// disc returns a size x size image with a filled disc.
func disc(size int, cx, cy, r float64) []float32 {
	out := make([]float32, size*size)
	for y := range size {
		for x := range size {
			if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) < r {
				out[y*size+x] = 1
			}
		}
	}
	return out
}

// TestRoundTrip: a transform then its inverse gives back the picture
// (within interpolation), and the transform moves a disc where it should.
func TestRoundTrip(t *testing.T) {
	const s = 64
	src := disc(s, 32, 32, 12)
	tr := Default()
	fwd, back := make([]float32, s*s), make([]float32, s*s)
	tr.Apply(fwd, src, s)
	tr.Inverse().Apply(back, fwd, s)
	if a := Agreement(src, back); a < 0.97 {
		t.Errorf("round trip agreement %.3f", a)
	}
	// The disc centred at 32 moves to 32 + shift and shrinks by 0.9.
	want := disc(s, 32+tr.DX, 32+tr.DY, 12*tr.Scale)
	if a := Agreement(fwd, want); a < 0.95 {
		t.Errorf("forward transform agreement with the expected disc %.3f", a)
	}
	if a := Agreement(src, fwd); a > 0.9 {
		t.Errorf("the transform barely moved the disc (agreement %.3f)", a)
	}
	if Agreement(make([]float32, 4), make([]float32, 4)) != 1 {
		t.Error("two empty masks should agree")
	}
}
