package builder

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJPEGComponents(t *testing.T) {
	gray := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 16, 8)))
	rgb := encodeJPEG(t, image.NewRGBA(image.Rect(0, 0, 16, 8)))
	// image/jpeg writes CMYK as YCbCr: a hand-made 4-component frame
	// header after an APP0 segment instead.
	cmyk := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 'J', 'F',
		0xFF, 0xC2, 0x00, 0x14, 8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0}
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"gray", gray, 1},
		{"rgb", rgb, 3},
		{"cmyk", cmyk, 4},
		{"empty", nil, 0},
		{"png", []byte("\x89PNG\r\n\x1a\n"), 0},
		{"soi only", []byte{0xFF, 0xD8}, 0},
		{"cut in header", gray[:20], 0},
		{"bad length", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0, 0}, 0},
		{"scan first", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0, 0, 0, 0, 0, 0}, 0},
	}
	for _, tt := range tests {
		if got := jpegComponents(tt.data); got != tt.want {
			t.Errorf("%s: %d components, want %d", tt.name, got, tt.want)
		}
	}
}

// FuzzJPEGComponents: any bytes give an answer without panicking, and it
// agrees with image/jpeg's header parser on files that parser accepts.
func FuzzJPEGComponents(f *testing.F) {
	f.Add(encodeJPEG(f, image.NewGray(image.Rect(0, 0, 8, 8))))
	f.Add(encodeJPEG(f, image.NewRGBA(image.Rect(0, 0, 8, 8))))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := jpegComponents(data)
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || n == 0 {
			return
		}
		want := map[color.Model]int{color.GrayModel: 1, color.YCbCrModel: 3, color.CMYKModel: 4}[cfg.ColorModel]
		if want != 0 && n != want {
			t.Fatalf("%d components, image/jpeg says %v", n, cfg.ColorModel)
		}
	})
}
