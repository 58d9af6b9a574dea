package imgproc

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/cxlseg/cxlseg/internal/imgproc/simd"
)

func randomGray(r *rand.Rand, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = byte(r.IntN(256))
	}
	return g
}

// TestResizeConstant: both filters keep a constant image constant, for
// random sizes up and down (weights sum to one in OpenCV's arithmetic).
func TestResizeConstant(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var rs Resizer
	for i := 0; i < 200; i++ {
		sw, sh, dw, dh := 1+r.IntN(300), 1+r.IntN(300), 1+r.IntN(300), 1+r.IntN(300)
		v := byte(r.IntN(256))
		src := image.NewGray(image.Rect(0, 0, sw, sh))
		for j := range src.Pix {
			src.Pix[j] = v
		}
		for name, f := range map[string]func(d, s *image.Gray){"linear": rs.Linear, "area": rs.Area} {
			dst := image.NewGray(image.Rect(0, 0, dw, dh))
			f(dst, src)
			for j, p := range dst.Pix {
				if p != v {
					t.Fatalf("%s %dx%d -> %dx%d of %d: pixel %d is %d", name, sw, sh, dw, dh, v, j, p)
				}
			}
		}
	}
}

// TestResizeAreaIntegerIsBoxMean: for integer factors INTER_AREA is the
// rounded mean of each box (half to even, or half up for 2x2 as OpenCV's
// SIMD path does).
func TestResizeAreaIntegerIsBoxMean(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, f := range [][2]int{{2, 2}, {3, 3}, {4, 2}, {1, 3}, {5, 4}} {
		dw, dh := 7+r.IntN(20), 5+r.IntN(20)
		src := randomGray(r, dw*f[0], dh*f[1])
		dst := image.NewGray(image.Rect(0, 0, dw, dh))
		ResizeArea(dst, src)
		for y := 0; y < dh; y++ {
			for x := 0; x < dw; x++ {
				sum := 0
				for j := 0; j < f[1]; j++ {
					for i := 0; i < f[0]; i++ {
						sum += int(src.Pix[(y*f[1]+j)*src.Stride+x*f[0]+i])
					}
				}
				n := f[0] * f[1]
				lo, hi := sum/n, (sum+n-1)/n
				if got := int(dst.Pix[y*dw+x]); got != lo && got != hi {
					t.Fatalf("%v: pixel (%d,%d) = %d, box mean %d/%d", f, x, y, got, sum, n)
				}
			}
		}
	}
}

// TestResizeSubImage: a sub-image (non-zero origin, larger stride) gives
// the same result as a copy of it.
func TestResizeSubImage(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	big := randomGray(r, 300, 200)
	sub := big.SubImage(image.Rect(17, 9, 257, 190)).(*image.Gray)
	cp := cloneGray(sub)
	for name, f := range map[string]func(d, s *image.Gray){"linear": ResizeLinear, "area": ResizeArea} {
		a := image.NewGray(image.Rect(0, 0, 100, 77))
		b := image.NewGray(image.Rect(0, 0, 100, 77))
		f(a, sub)
		f(b, cp)
		if n, _, _ := diff(a, b); n != 0 {
			t.Errorf("%s: sub-image result differs in %d pixels", name, n)
		}
	}
}

func TestReflect101(t *testing.T) {
	// gfedcb|abcdefgh|gfedcba
	cases := []struct{ i, n, want int }{
		{0, 8, 0}, {7, 8, 7}, {8, 8, 6}, {9, 8, 5}, {14, 8, 0}, {-1, 8, 1}, {5, 1, 0}, {3, 2, 1},
	}
	for _, c := range cases {
		if got := reflect101(c.i, c.n); got != c.want {
			t.Errorf("reflect101(%d, %d) = %d, want %d", c.i, c.n, got, c.want)
		}
	}
}

// TestAreaSIMDMatchesGo: the AVX2 horizontal pass (when the CPU has it)
// gives the same bits as the Go pass, for random sizes and images.
func TestAreaSIMDMatchesGo(t *testing.T) {
	if !simd.HaveAVX2() {
		t.Skip("no AVX2: only the Go pass runs here")
	}
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 40; i++ {
		sw, sh := 20+r.IntN(600), 20+r.IntN(400)
		dw, dh := 16+r.IntN(sw-16), 1+r.IntN(sh)
		src := randomGray(r, sw, sh)
		var simd, plain Resizer
		plain.area.noSIMD = true
		a := image.NewGray(image.Rect(0, 0, dw, dh))
		b := image.NewGray(image.Rect(0, 0, dw, dh))
		simd.Area(a, src)
		plain.Area(b, src)
		if !simd.area.rows8 && !(sw%dw == 0 && sh%dh == 0) && sh >= 8 {
			t.Fatalf("%dx%d -> %dx%d: SIMD pass not used", sw, sh, dw, dh)
		}
		if n, maxd, at := diff(a, b); n != 0 {
			t.Fatalf("%dx%d -> %dx%d: %d pixels differ (max %d at %v)", sw, sh, dw, dh, n, maxd, at)
		}
	}
}
