package imgproc

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"testing"
)

// sofInfo is what a JPEG's start-of-frame says.
type sofInfo struct {
	marker        byte
	width, height int
	sampling      []byte // per component, H<<4 | V
	lumaDC        byte   // first entry of quantisation table 0
}

// parseSOF walks the markers of a JPEG up to its first scan.
func parseSOF(t *testing.T, b []byte) sofInfo {
	t.Helper()
	var s sofInfo
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatal("no SOI")
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("expected a marker at %d", i)
		}
		m := b[i+1]
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		seg := b[i+4 : i+2+n]
		switch {
		case m == 0xDB && seg[0]&0x0F == 0:
			s.lumaDC = seg[1]
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			s.marker = m
			s.height = int(binary.BigEndian.Uint16(seg[1:]))
			s.width = int(binary.BigEndian.Uint16(seg[3:]))
			for c := 0; c < int(seg[5]); c++ {
				s.sampling = append(s.sampling, seg[6+3*c+1])
			}
		case m == 0xDA:
			return s
		}
		i += 2 + n
	}
	t.Fatal("no SOS")
	return s
}

// testMask is a 224x224 mask with two lung-shaped blobs.
func testMask() *image.Gray {
	m := image.NewGray(image.Rect(0, 0, 224, 224))
	for y := 0; y < 224; y++ {
		for x := 0; x < 224; x++ {
			dx1, dx2, dy := x-65, x-160, y-110
			if dx1*dx1*3+dy*dy < 3600 || dx2*dx2*3+dy*dy < 3400 {
				m.Pix[y*224+x] = 255
			}
		}
	}
	return m
}

func TestEncodeMaskFormat(t *testing.T) {
	e := NewEncoder()
	m := testMask()
	var buf bytes.Buffer
	if err := e.EncodeMask(&buf, m); err != nil {
		t.Fatal(err)
	}
	s := parseSOF(t, buf.Bytes())
	// Baseline, 224x224, one component, quality 95 (IJG: DC 16 -> 2).
	if s.marker != 0xC0 || s.width != 224 || s.height != 224 || len(s.sampling) != 1 || s.lumaDC != 2 {
		t.Errorf("mask JPEG: %+v, want baseline 224x224, 1 component, luma DC quant 2", s)
	}
	got, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	g := got.(*image.Gray)
	for i, v := range g.Pix {
		if (v >= 128) != (m.Pix[i] == 255) {
			t.Fatalf("mask pixel %d: decoded %d, encoded %d", i, v, m.Pix[i])
		}
	}
}

func TestEncodeSegmentedFormat(t *testing.T) {
	e := NewEncoder()
	img := loadPNG(t, "xray224.png")
	var buf bytes.Buffer
	if err := e.EncodeSegmented(&buf, img); err != nil {
		t.Fatal(err)
	}
	s := parseSOF(t, buf.Bytes())
	want := []byte{0x22, 0x11, 0x11} // YCbCr 4:2:0
	if s.marker != 0xC0 || s.width != 224 || s.height != 224 || !bytes.Equal(s.sampling, want) || s.lumaDC != 2 {
		t.Errorf("segmented JPEG: %+v, want baseline 224x224, sampling %x, luma DC quant 2", s, want)
	}
	got, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ycc := got.(*image.YCbCr)
	// All channels equal: chroma is neutral; luma is the image up to
	// quality-95 loss.
	for _, c := range [][]byte{ycc.Cb, ycc.Cr} {
		for i, v := range c {
			if v < 127 || v > 129 {
				t.Fatalf("chroma sample %d = %d, want 128", i, v)
			}
		}
	}
	var worst int
	for y := 0; y < 224; y++ {
		for x := 0; x < 224; x++ {
			d := int(ycc.Y[y*ycc.YStride+x]) - int(img.Pix[y*img.Stride+x])
			worst = max(worst, d, -d)
		}
	}
	if worst > 8 {
		t.Errorf("segmented luma differs from the image by up to %d", worst)
	}
}

func TestEncodeMaskPNG(t *testing.T) {
	e := NewEncoder()
	m := testMask()
	var buf bytes.Buffer
	for range 2 { // the second run reuses the pooled buffer
		buf.Reset()
		if err := e.EncodeMaskPNG(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := got.(*image.Gray); !ok || !bytes.Equal(g.Pix, m.Pix) {
		t.Error("PNG mask does not round-trip")
	}
}

func TestEncodeAllocs(t *testing.T) {
	e := NewEncoder()
	m, img := testMask(), testMask()
	for name, f := range map[string]func() error{
		"mask":      func() error { return e.EncodeMask(io.Discard, m) },
		"segmented": func() error { return e.EncodeSegmented(io.Discard, img) },
		"png":       func() error { return e.EncodeMaskPNG(io.Discard, m) },
	} {
		f()
		if a := testing.AllocsPerRun(10, func() { f() }); a != 0 {
			t.Errorf("%s: %v allocs per image, want 0", name, a)
		}
	}
}
