package onnx

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSubpixelWeights computes a transposed convolution (3x3, stride 2,
// pads 1, output_padding 1) directly from its definition and as the 2x2
// convolution + DepthToSpace that subpixel writes: the same numbers.
func TestSubpixelWeights(t *testing.T) {
	const cin, cout, h, wd = 3, 2, 5, 4
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	x, w, b := rnd(cin*h*wd), rnd(cin*cout*9), rnd(cout)
	// ConvTranspose: out[co, oy, ox] += x[ci, iy, ix] * w[ci, co, ky, kx]
	// with oy = 2*iy - 1 + ky.
	want := make([]float64, cout*2*h*2*wd)
	for co := range cout {
		for i := range 4 * h * wd {
			want[co*4*h*wd+i] = float64(b[co])
		}
		for ci := range cin {
			for iy := range h {
				for ix := range wd {
					for ky := range 3 {
						for kx := range 3 {
							oy, ox := 2*iy-1+ky, 2*ix-1+kx
							if oy < 0 || ox < 0 || oy >= 2*h || ox >= 2*wd {
								continue
							}
							want[(co*2*h+oy)*2*wd+ox] += float64(x[(ci*h+iy)*wd+ix] * w[((ci*cout+co)*3+ky)*3+kx])
						}
					}
				}
			}
		}
	}
	w2, b2 := subpixelWeights(w, b, cin, cout)
	// 2x2 Conv, pads [0,0,1,1], then DepthToSpace DCR: channel
	// (a*2+bb)*cout+co at (m, n) goes to (co, 2m+a, 2n+bb).
	for oc := range 4 * cout {
		a, bb, co := oc/cout/2, oc/cout%2, oc%cout
		for m := range h {
			for n := range wd {
				s := float64(b2[oc])
				for ci := range cin {
					for dy := range 2 {
						for dx := range 2 {
							if m+dy < h && n+dx < wd {
								s += float64(x[(ci*h+m+dy)*wd+n+dx] * w2[((oc*cin+ci)*2+dy)*2+dx])
							}
						}
					}
				}
				if got, exp := s, want[(co*2*h+2*m+a)*2*wd+2*n+bb]; math.Abs(got-exp) > 1e-5 {
					t.Fatalf("channel %d phase (%d,%d) at (%d,%d): sub-pixel %v, transposed convolution %v", co, a, bb, m, n, got, exp)
				}
			}
		}
	}
}
