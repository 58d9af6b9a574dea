package jpegenc

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"testing"
)

// testImage returns a w x h gray image with structure and noise.
func testImage(w, h int, seed uint64) *image.Gray {
	r := rand.New(rand.NewPCG(seed, 1))
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := (x*3+y*2)%256/2 + r.IntN(64)
			if (x/20+y/20)%2 == 0 {
				v += 60
			}
			m.Pix[y*w+x] = byte(min(v, 255))
		}
	}
	return m
}

// TestSameBytesAsImageJPEG: our bytes equal image/jpeg's for the same
// image, for sizes that are and are not multiples of the MCU.
func TestSameBytesAsImageJPEG(t *testing.T) {
	e := New(95)
	for i, sz := range []image.Point{{224, 224}, {1, 1}, {17, 9}, {100, 37}, {8, 16}, {33, 65}} {
		for _, q := range []int{95, 75, 10} {
			e := e
			if q != 95 {
				e = New(q)
			}
			m := testImage(sz.X, sz.Y, uint64(i))
			var want, got bytes.Buffer
			if err := jpeg.Encode(&want, m, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if err := e.Gray(&got, m); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("gray %v q%d: %d bytes, image/jpeg %d bytes, contents differ", sz, q, got.Len(), want.Len())
			}
			ycc := image.NewYCbCr(m.Rect, image.YCbCrSubsampleRatio420)
			for y := 0; y < sz.Y; y++ {
				copy(ycc.Y[y*ycc.YStride:], m.Pix[y*m.Stride:y*m.Stride+sz.X])
			}
			for j := range ycc.Cb {
				ycc.Cb[j], ycc.Cr[j] = 128, 128
			}
			want.Reset()
			got.Reset()
			if err := jpeg.Encode(&want, ycc, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if err := e.GrayYCbCr(&got, m); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("ycbcr %v q%d: %d bytes, image/jpeg %d bytes, contents differ", sz, q, got.Len(), want.Len())
			}
		}
	}
}

// TestDivRound checks the reciprocal division against Go's division for
// every divisor and numerators well past the DCT's range.
func TestDivRound(t *testing.T) {
	for q := int32(1); q <= 255; q++ {
		b := 8 * q
		r := (1<<40 + uint64(b) - 1) / uint64(b)
		for a := int32(-1 << 17); a <= 1<<17; a += 7 {
			want := (a + b>>1) / b
			if a < 0 {
				want = -((-a + b>>1) / b)
			}
			if got := divRound(a, b, r); got != want {
				t.Fatalf("divRound(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	e := New(95)
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 5), image.Rect(0, 0, 1<<16, 1)} {
		m := &image.Gray{Rect: r, Stride: r.Dx()}
		if err := e.Gray(io.Discard, m); err == nil {
			t.Errorf("%v: no error", r)
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	e := New(95)
	m := testImage(224, 224, 1)
	e.GrayYCbCr(io.Discard, m)
	if a := testing.AllocsPerRun(10, func() {
		e.Gray(io.Discard, m)
		e.GrayYCbCr(io.Discard, m)
	}); a != 0 {
		t.Errorf("%v allocs per run, want 0", a)
	}
}

func BenchmarkGray224(b *testing.B) {
	e := New(95)
	m := testImage(224, 224, 1)
	b.ReportAllocs()
	for b.Loop() {
		e.Gray(io.Discard, m)
	}
}

func BenchmarkImageJPEGGray224(b *testing.B) {
	m := testImage(224, 224, 1)
	o := &jpeg.Options{Quality: 95}
	b.ReportAllocs()
	for b.Loop() {
		jpeg.Encode(io.Discard, m, o)
	}
}
