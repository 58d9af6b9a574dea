package imgproc

import (
	"errors"
	"testing"
)

// FuzzDecode feeds corrupted JPEG bytes to both decoders: they must not
// crash or hang, and must return either an image (maybe with a warning) or
// a typed error.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"gray.jpg", "gray_progressive.jpg", "ycbcr420.jpg", "cmyk.jpg"} {
		if b, err := readFixture(name); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	decs := []*Decoder{NewGoDecoder(), NewDecoder()}
	for _, d := range decs {
		// Small images only: a forged header may otherwise ask for a
		// 40-megapixel decode per input, which is slow but not a bug.
		d.MaxPixels = 1 << 20
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range decs {
			g, err := d.Decode(data)
			var de *DecodeError
			switch {
			case err == nil || IsWarning(err):
				if g == nil || g.Stride != g.Rect.Dx() || len(g.Pix) != g.Rect.Dx()*g.Rect.Dy() || g.Rect.Dx()*g.Rect.Dy() > d.MaxPixels {
					t.Fatalf("%s: bad image with err=%v", d.Name(), err)
				}
			case errors.As(err, &de):
				if g != nil {
					t.Fatalf("%s: image returned with error %v", d.Name(), err)
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("%s: error of no kind: %v", d.Name(), err)
				}
			default:
				t.Fatalf("%s: untyped error %T %v", d.Name(), err, err)
			}
		}
	})
}
