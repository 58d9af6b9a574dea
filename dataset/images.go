package dataset

import (
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
)

// LoadImage decodes the segmented image (a 224x224 JPEG whose three
// channels are equal) as 8-bit gray.
func (r *Record) LoadImage() (*image.Gray, error) { return loadGray(r.ImagePath) }

// LoadMask decodes the lung mask as 8-bit gray. Masks are JPEGs, so values
// are near, not exactly, 0 and 255: threshold at 128.
func (r *Record) LoadMask() (*image.Gray, error) { return loadGray(r.MaskPath) }

// loadGray decodes a JPEG file to gray with its origin at (0, 0).
func loadGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	if g, ok := m.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g, nil
	}
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, m, b.Min, draw.Src)
	return g, nil
}
