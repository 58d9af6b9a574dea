package htmlreport

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
)

// contourPalette draws the contour overlay: transparent, and red.
var contourPalette = color.Palette{color.RGBA{}, color.RGBA{R: 255, G: 32, B: 32, A: 255}}

// dataURI embeds bytes in the page, so the report needs no other file.
func dataURI(mime string, b []byte) template.URL {
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b))
}

// toGray converts any decoded image to 8-bit gray (a copy-free return for
// images that already are).
func toGray(m image.Image) *image.Gray {
	if g, ok := m.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(image.Rect(0, 0, m.Bounds().Dx(), m.Bounds().Dy()))
	draw.Draw(g, g.Bounds(), m, m.Bounds().Min, draw.Src)
	return g
}

// contourPNG returns a transparent PNG, the size of the mask, whose only
// opaque pixels are the mask's inner boundary: foreground pixels (>= 128,
// which absorbs JPEG ringing around 0/255) with a background 8-neighbour or
// on the image edge. Sparse two-colour PNGs compress to a few hundred bytes.
func contourPNG(mask *image.Gray) ([]byte, int, error) {
	r := mask.Bounds()
	out := image.NewPaletted(image.Rect(0, 0, r.Dx(), r.Dy()), contourPalette)
	fg := func(x, y int) bool {
		if x < 0 || y < 0 || x >= r.Dx() || y >= r.Dy() {
			return false
		}
		return mask.Pix[(y)*mask.Stride+x] >= 128
	}
	n := 0
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			if !fg(x, y) {
				continue
			}
			edge := false
			for dy := -1; dy <= 1 && !edge; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if !fg(x+dx, y+dy) {
						edge = true
						break
					}
				}
			}
			if edge {
				out.Pix[y*out.Stride+x] = 1
				n++
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), n, nil
}

// baseImage returns the JPEG bytes to show under the contour: the
// segmented image as stored, or, when mimicRoot is set and the original
// exists there, the original reduced to the mask's size.
func baseImage(segPath, rel, mimicRoot string, size image.Rectangle) ([]byte, string, error) {
	if mimicRoot != "" {
		p := filepath.Join(mimicRoot, filepath.FromSlash(rel))
		if b, err := os.ReadFile(p); err == nil {
			out, err := shrinkJPEG(b, size)
			if err != nil {
				return nil, "", fmt.Errorf("original %s: %w", p, err)
			}
			return out, "original", nil
		}
	}
	b, err := os.ReadFile(segPath)
	if err != nil {
		return nil, "", err
	}
	// Decode once so that a corrupt file is reported here rather than
	// shown as a broken image.
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err == nil && (cfg.Width != size.Dx() || cfg.Height != size.Dy()) {
		b, err = shrinkJPEG(b, size) // larger than a tile
	} else if err == nil {
		_, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", segPath, err)
	}
	return b, "segmented", nil
}

// shrinkJPEG decodes an original X-ray, averages it down to size (an area
// filter: each output pixel is the mean of the source pixels it covers)
// and re-encodes it as a small gray JPEG.
func shrinkJPEG(b []byte, size image.Rectangle) ([]byte, error) {
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	src := toGray(m)
	dst := image.NewGray(image.Rect(0, 0, size.Dx(), size.Dy()))
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	for y := 0; y < dst.Rect.Dy(); y++ {
		y0, y1 := y*sh/dst.Rect.Dy(), max((y+1)*sh/dst.Rect.Dy(), y*sh/dst.Rect.Dy()+1)
		for x := 0; x < dst.Rect.Dx(); x++ {
			x0, x1 := x*sw/dst.Rect.Dx(), max((x+1)*sw/dst.Rect.Dx(), x*sw/dst.Rect.Dx()+1)
			sum := 0
			for yy := y0; yy < y1; yy++ {
				row := src.Pix[yy*src.Stride:]
				for xx := x0; xx < x1; xx++ {
					sum += int(row[xx])
				}
			}
			dst.Pix[y*dst.Stride+x] = uint8(sum / ((y1 - y0) * (x1 - x0)))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tileSide is the largest side of a contact-sheet tile, in pixels.
const tileSide = 224

// fitMask returns m, or m reduced to fit a side x side box with its aspect
// ratio kept: each output pixel is lung when at least half the source
// pixels it covers are.
func fitMask(m *image.Gray, side int) *image.Gray {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if w <= side && h <= side {
		return m
	}
	dw, dh := side, max(1, h*side/w)
	if h > w {
		dw, dh = max(1, w*side/h), side
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	for y := range dh {
		y0, y1 := y*h/dh, max((y+1)*h/dh, y*h/dh+1)
		for x := range dw {
			x0, x1 := x*w/dw, max((x+1)*w/dw, x*w/dw+1)
			fg := 0
			for yy := y0; yy < y1; yy++ {
				row := m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+yy):]
				for xx := x0; xx < x1; xx++ {
					if row[xx] >= 128 {
						fg++
					}
				}
			}
			if 2*fg >= (y1-y0)*(x1-x0) {
				dst.Pix[y*dst.Stride+x] = 255
			}
		}
	}
	return dst
}
