package simd

import (
	"math/rand/v2"
	"testing"
)

// TestAreaRows8 compares the 8-row kernel with the scalar definition.
func TestAreaRows8(t *testing.T) {
	if !HaveAVX2() {
		t.Skip("no AVX2 on this machine")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 50; it++ {
		sw, taps := 1+r.IntN(700), 1+r.IntN(14)
		if taps > sw {
			taps = sw
		}
		stride := sw + r.IntN(40)
		dw := 1 + r.IntN(100)
		src := make([]byte, 7*stride+sw)
		for i := range src {
			src[i] = byte(r.IntN(256))
		}
		xstart := make([]int32, dw)
		xw := make([]float32, dw*taps)
		for d := range xstart {
			xstart[d] = int32(r.IntN(sw - taps + 1))
		}
		for i := range xw {
			xw[i] = r.Float32()
		}
		out := make([]float32, 8*dw)
		AreaRows8(out, make([]byte, 8*sw), src, stride, sw, xstart, xw, taps)
		for d := range dw {
			for row := range 8 {
				var want float32
				for k := range taps {
					want += float32(float32(src[row*stride+int(xstart[d])+k]) * xw[d*taps+k])
				}
				if out[d*8+row] != want {
					t.Fatalf("sw %d taps %d: column %d row %d = %v, want %v", sw, taps, d, row, out[d*8+row], want)
				}
			}
		}
	}
}
