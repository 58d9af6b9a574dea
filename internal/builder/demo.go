package builder

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// DemoResult says where the demo put things.
type DemoResult struct {
	// Mimic is the sample input tree; Out the built dataset.
	Mimic, Out string
	// Overlay is a PNG of one image with its mask contour, "" if none.
	Overlay string
	*Result
}

// DemoMimicDir is where the demo's sample tree goes under its folder.
const DemoMimicDir = "mimic-cxr-jpg"

// Demo builds the sample tree that the caller wrote under
// dir/DemoMimicDir (cxlseg demo writes it with package sample, which this
// package does not import, so that programs using the builder do not embed
// the demo images) into dir/cxlseg with o's backend settings (the embedded
// model unless o.Model is set), and draws one overlay. Running it again
// resumes (nothing to redo).
func Demo(ctx context.Context, dir string, o Options) (*DemoResult, error) {
	d := &DemoResult{Mimic: filepath.Join(dir, DemoMimicDir), Out: filepath.Join(dir, "cxlseg")}
	o.Mimic, o.Out, o.Reports = d.Mimic, d.Out, d.Mimic
	res, err := Run(ctx, o)
	d.Result = res
	if err != nil {
		return d, err
	}
	// One overlay to look at: the first segmented image of the dataset.
	c, err := ReadJournal(filepath.Join(res.ShardDir, JournalFile))
	if err != nil {
		return d, err
	}
	cat, _, err := loadCatalog(ctx, &o)
	if err != nil {
		return d, err
	}
	latest := c.Latest()
	for i := range cat.Records {
		r := &cat.Records[i]
		if latest[r.DicomID].Status != StatusOK {
			continue
		}
		path := filepath.Join(dir, "example-overlay.png")
		if err := writeOverlay(path, r.SourcePath, filepath.Join(d.Out, filepath.FromSlash(r.MaskPath))); err != nil {
			return d, err
		}
		d.Overlay = path
		break
	}
	return d, nil
}

// writeOverlay draws the mask's contour in red over the original image
// resized to 224x224 (as the segmented output is) and saves it as PNG.
func writeOverlay(path, original, maskPath string) error {
	data, err := os.ReadFile(original)
	if err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	g, err := imgproc.NewDecoder().Decode(data)
	if err != nil && !imgproc.IsWarning(err) {
		return fmt.Errorf("overlay %s: %w", original, err)
	}
	small := image.NewGray(image.Rect(0, 0, segment.Size, segment.Size))
	imgproc.ResizeLinear(small, g)
	mf, err := os.ReadFile(maskPath)
	if err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	mi, err := jpeg.Decode(bytes.NewReader(mf))
	if err != nil {
		return fmt.Errorf("overlay %s: %w", maskPath, err)
	}
	in := func(x, y int) bool {
		if x < 0 || y < 0 || x >= segment.Size || y >= segment.Size {
			return false
		}
		r, _, _, _ := mi.At(x, y).RGBA()
		return r >= 0x8000
	}
	out := image.NewRGBA(small.Rect)
	red := color.RGBA{R: 255, G: 40, B: 40, A: 255}
	for y := range segment.Size {
		for x := range segment.Size {
			v := small.GrayAt(x, y).Y
			c := color.RGBA{R: v, G: v, B: v, A: 255}
			if in(x, y) && (!in(x-1, y) || !in(x+1, y) || !in(x, y-1) || !in(x, y+1)) {
				c = red
			}
			out.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, out); err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	return writeFileAtomic(path, b.Bytes())
}
