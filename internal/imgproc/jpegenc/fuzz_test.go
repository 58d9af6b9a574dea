package jpegenc

import (
	"image"
	"io"
	"math"
	"testing"
)

// FuzzEncode encodes arbitrary images (1..64 pixels a side, so mostly not
// multiples of 8 or 16) at arbitrary qualities, in both formats, and
// checks properties of the result:
//   - image/jpeg decodes both, with the right size and neutral chroma;
//   - the luma of the 4:2:0 file equals the gray file's (same blocks);
//   - no pixel is further from the source than the quantisation allows:
//     each coefficient is off by at most half its quantiser, and the
//     inverse DCT's rounding adds at most a little more.
func FuzzEncode(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint8(95), []byte{0})
	f.Add(uint8(16), uint8(8), uint8(95), []byte{0, 255, 3, 128, 77})
	f.Add(uint8(36), uint8(20), uint8(50), []byte("a gray image of text, repeated over the rows"))
	f.Add(uint8(63), uint8(63), uint8(1), []byte{255, 0})
	f.Add(uint8(7), uint8(40), uint8(100), []byte{10, 20, 30, 40, 50, 60, 70, 80, 90})
	e95 := New(95)
	f.Fuzz(func(t *testing.T, w, h, q uint8, pix []byte) {
		size := image.Pt(1+int(w)%64, 1+int(h)%64)
		m := image.NewGray(image.Rectangle{Max: size})
		if len(pix) > 0 {
			for i := range m.Pix {
				m.Pix[i] = pix[i%len(pix)]
			}
		}
		e := e95
		if q != 95 {
			e = New(int(q))
		}
		if err := e.Gray(io.Discard, m); err != nil {
			t.Fatal(err)
		}
		gray := decodeLuma(t, e.Bytes())
		if err := e.GrayYCbCr(io.Discard, m); err != nil {
			t.Fatal(err)
		}
		ycc := decodeLuma(t, e.Bytes())
		if gray.Rect.Size() != size || ycc.Rect.Size() != size {
			t.Fatalf("decoded %v and %v, want %v", gray.Rect.Size(), ycc.Rect.Size(), size)
		}
		if mx, _ := absDiff(gray, ycc); mx != 0 {
			t.Errorf("4:2:0 luma differs from the gray file's by up to %d", mx)
		}
		bound := quantErrorBound(scaledQuant(luma, int(q))) + 2
		if mx, _ := absDiff(gray, m); float64(mx) > bound {
			t.Errorf("q%d %v: a pixel is off by %d, more than the bound %.1f", q, size, mx, bound)
		}
	})
}

// quantErrorBound is the largest pixel error that coefficients each off
// by at most half their quantiser can cause: sum over (u,v) of
// Q/2 · C(u)C(v)/4 (cosines at most 1 in size).
func quantErrorBound(natural [64]uint8) float64 {
	s := 0.0
	for i, q := range natural {
		c := 0.25
		if i/8 == 0 {
			c /= math.Sqrt2
		}
		if i%8 == 0 {
			c /= math.Sqrt2
		}
		s += float64(q) / 2 * c
	}
	return s
}
