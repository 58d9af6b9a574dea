package jpegenc

import (
	"bytes"
	"image"
	"io"
	"os"
	"testing"
)

func TestXTmp(t *testing.T) {
	data, _ := os.ReadFile("/work/shared/data/demo/2168a917.jpg")
	full := decodeLuma(t, data)
	c := full.Rect.Size().Div(2)
	m := full.SubImage(image.Rect(c.X-300, c.Y-250, c.X+301, c.Y+251)).(*image.Gray)
	cp := image.NewGray(image.Rect(0, 0, 601, 502))
	for y := 0; y < 502; y++ {
		copy(cp.Pix[y*601:], m.Pix[y*m.Stride:y*m.Stride+601])
	}
	_, s := absDiff(m, cp)
	t.Log("pixdiff", s, m.Rect, m.Stride)
	e := New(95)
	e.Gray(io.Discard, m)
	a := bytes.Clone(e.Bytes())
	e.Gray(io.Discard, cp)
	t.Log(bytes.Equal(a, e.Bytes()))
}

func TestXTmp2(t *testing.T) {
	data, _ := os.ReadFile("/work/shared/data/demo/2168a917.jpg")
	full := decodeLuma(t, data)
	m := full.SubImage(image.Rect(700, 750, 716, 758)).(*image.Gray)
	cp := image.NewGray(image.Rect(0, 0, 16, 8))
	for y := 0; y < 8; y++ {
		copy(cp.Pix[y*16:], m.Pix[y*m.Stride:y*m.Stride+16])
	}
	e := New(95)
	e.Gray(io.Discard, m)
	a := bytes.Clone(e.Bytes())
	e.Gray(io.Discard, cp)
	t.Log(bytes.Equal(a, e.Bytes()))
	da, db := decodeLuma(t, a), decodeLuma(t, e.Bytes())
	for y := 0; y < 8; y++ {
		t.Log(da.Pix[y*16:y*16+16], db.Pix[y*16:y*16+16], cp.Pix[y*16:y*16+16])
	}
}

func TestXTmp3(t *testing.T) {
	data, _ := os.ReadFile("/work/shared/data/demo/2168a917.jpg")
	full := decodeLuma(t, data)
	c := full.Rect.Size().Div(2)
	m := full.SubImage(image.Rect(c.X-300, c.Y-250, c.X+301, c.Y+251)).(*image.Gray)
	cp := image.NewGray(image.Rect(0, 0, 601, 502))
	for y := 0; y < 502; y++ {
		copy(cp.Pix[y*601:], m.Pix[y*m.Stride:y*m.Stride+601])
	}
	e := New(95)
	e.Gray(io.Discard, m)
	a := bytes.Clone(e.Bytes())
	e.Gray(io.Discard, cp)
	da, db := decodeLuma(t, a), decodeLuma(t, e.Bytes())
	n := 0
	for y := 0; y < 502; y++ {
		for x := 0; x < 601; x++ {
			if da.Pix[y*da.Stride+x] != db.Pix[y*db.Stride+x] {
				if n < 10 {
					t.Log(x, y, da.Pix[y*da.Stride+x], db.Pix[y*db.Stride+x])
				}
				n++
			}
		}
	}
	t.Log(n)
}

func TestXTmp4(t *testing.T) {
	data, _ := os.ReadFile("/work/shared/data/demo/2168a917.jpg")
	full := decodeLuma(t, data)
	c := full.Rect.Size().Div(2)
	m := full.SubImage(image.Rect(c.X-300, c.Y-250, c.X+301, c.Y+251)).(*image.Gray)
	cp := image.NewGray(image.Rect(0, 0, 601, 502))
	for y := 0; y < 502; y++ {
		copy(cp.Pix[y*601:], m.Pix[y*m.Stride:y*m.Stride+601])
	}
	e := New(95)
	e.load(m, 0, 496)
	a := e.pix
	e.load(cp, 0, 496)
	t.Log(a == e.pix)
	t.Log(a)
	t.Log(e.pix)
}
