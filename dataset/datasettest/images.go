package datasettest

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
)

// size is the side of CXLSeg's images.
const size = 224

// writeImages draws a chest-like picture and its lung mask for image i and
// writes the segmented image (3-component JPEG, all channels equal, as
// CXLSeg's) and the mask (1-component JPEG). It returns the mask's
// foreground fraction.
func writeImages(dir string, im *Image, i int) (float64, error) {
	mask := image.NewGray(image.Rect(0, 0, size, size))
	seg := image.NewRGBA(image.Rect(0, 0, size, size))
	fg := 0
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			in := inLung(x, y, im.Lungs, i)
			if !in {
				seg.SetRGBA(x, y, color.RGBA{A: 255})
				continue
			}
			fg++
			mask.SetGray(x, y, color.Gray{Y: 255})
			// Ribs: a slow vertical wave over a gradient, so the image has
			// texture for the contour to sit on.
			v := 60 + float64(y)/3 + 25*math.Sin(float64(y)/6+float64(i))
			g := uint8(math.Max(0, math.Min(255, v)))
			seg.SetRGBA(x, y, color.RGBA{g, g, g, 255})
		}
	}
	if err := writeJPEG(filepath.Join(dir, filepath.FromSlash(im.ImageRel())), seg); err != nil {
		return 0, err
	}
	if err := writeJPEG(filepath.Join(dir, filepath.FromSlash(im.MaskRel())), mask); err != nil {
		return 0, err
	}
	return float64(fg) / (size * size), nil
}

// inLung reports whether (x, y) lies in one of the image's lung ellipses;
// the ellipses shift a little from image to image.
func inLung(x, y, lungs, i int) bool {
	if lungs == 0 {
		return false
	}
	cy := 115.0 + float64(i%3)
	ell := func(cx, rx, ry float64) bool {
		dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
		return dx*dx+dy*dy <= 1
	}
	rx, ry := 34.0+float64(i%4), 74.0
	// The patient's right lung is on the image's left.
	if ell(63, rx, ry) {
		return true
	}
	return lungs == 2 && ell(161, rx-4, ry-4)
}

func writeJPEG(path string, m image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	if err := jpeg.Encode(f, m, &jpeg.Options{Quality: 95}); err != nil {
		f.Close()
		return fmt.Errorf("datasettest: encode %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("datasettest: %w", err)
	}
	return nil
}
