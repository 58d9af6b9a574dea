package dataset

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // LoadImage, JPEG masks
	_ "image/png"  // PNG masks
	"os"
)

// LoadImage decodes the segmented image (a JPEG whose three channels are
// equal: 224x224 in CXLSeg's format, larger with cxlseg build --size) as
// 8-bit gray.
func (r *Record) LoadImage() (*image.Gray, error) { return loadGray(r.ImagePath) }

// LoadMask decodes the lung mask as 8-bit gray, whatever the dataset's
// mask format. JPEG masks (CXLSeg's) hold values near, not exactly, 0 and
// 255: threshold at 128. PNG and RLE masks are exactly 0 and 255.
func (r *Record) LoadMask() (*image.Gray, error) {
	rm, ok, err := r.MaskRLE()
	if err != nil {
		return nil, err
	}
	if ok {
		m, err := rm.Decode()
		if err != nil {
			return nil, fmt.Errorf("mask of %s: %w", r.DicomID, err)
		}
		return m, nil
	}
	return loadGray(r.MaskPath)
}

// loadGray decodes a JPEG or PNG file to gray with its origin at (0, 0).
func loadGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := image.Decode(f)
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
