package imgproc

import (
	"fmt"
	"image"

	"github.com/cxlseg/cxlseg/internal/imgproc/cc"
)

// MorphOrder says which morphological operation the clean-up runs first.
type MorphOrder int

const (
	// OpenThenClose removes specks, then closes small gaps (default).
	OpenThenClose MorphOrder = iota
	// CloseThenOpen closes gaps first, then removes specks.
	CloseThenOpen
)

// CleanParams configures mask clean-up at model resolution.
type CleanParams struct {
	// Threshold: a pixel is lung when its probability is > Threshold.
	Threshold float32
	// Kernel is the diameter of the elliptical structuring element
	// (cv2.getStructuringElement(MORPH_ELLIPSE, (Kernel, Kernel))); 0 or
	// 1 skips the morphology.
	Kernel int
	// Order of opening and closing.
	Order MorphOrder
	// OpenIterations and CloseIterations are the iterations of each
	// (OpenCV's morphologyEx iterations: n erosions then n dilations for
	// an opening). 0 skips that operation.
	OpenIterations, CloseIterations int
	// Keep is how many of the largest 8-connected components are kept
	// (two lungs); 0 keeps all.
	Keep int
	// FillHoles sets background regions not 4-connected to the image
	// border.
	FillHoles bool
}

// DefaultCleanParams returns the documented defaults: threshold 0.5,
// 5x5 ellipse, opening then closing, one iteration each, keep the 2
// largest components, fill holes.
func DefaultCleanParams() CleanParams {
	return CleanParams{
		Threshold:       0.5,
		Kernel:          5,
		Order:           OpenThenClose,
		OpenIterations:  1,
		CloseIterations: 1,
		Keep:            2,
		FillHoles:       true,
	}
}

// String renders the parameters for manifests and logs.
func (p CleanParams) String() string {
	order := "open>close"
	if p.Order == CloseThenOpen {
		order = "close>open"
	}
	return fmt.Sprintf("thr%.2f>ellipse%d>%s(%d,%d)>keep%d>fill=%v",
		p.Threshold, p.Kernel, order, p.OpenIterations, p.CloseIterations, p.Keep, p.FillHoles)
}

// Cleaner turns probability maps into clean binary lung masks. It reuses
// its buffers: cleaning maps of one size allocates nothing.
type Cleaner struct {
	p        CleanParams
	kernel   Kernel
	m        morph
	bin      []byte
	lab      cc.Labeler
	keep     []int
	labelSet []bool // per label: keep (keepLargest) or hole (fillHoles)
}

// NewCleaner returns a Cleaner with parameters p.
func NewCleaner(p CleanParams) *Cleaner {
	return &Cleaner{p: p, kernel: Ellipse(p.Kernel), keep: make([]int, 0, max(p.Keep, 0))}
}

// Params returns the Cleaner's parameters.
func (c *Cleaner) Params() CleanParams { return c.p }

// Clean thresholds prob (row-major, dst's width x height values), applies
// the morphology, keeps the largest components and fills holes, writing
// 0/255 into dst. It panics if len(prob) differs from dst's pixel count.
func (c *Cleaner) Clean(dst *image.Gray, prob []float32) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	n := w * h
	if len(prob) != n {
		panic(fmt.Sprintf("imgproc.Clean: %d probabilities for a %dx%d mask", len(prob), w, h))
	}
	if cap(c.bin) < n {
		c.bin = make([]byte, n)
	}
	bin := c.bin[:n]
	thr := c.p.Threshold
	for i, v := range prob {
		bin[i] = b2u8(v > thr) // NaN is background
	}
	if c.p.Kernel > 1 {
		c.m.prepare(w, h, c.kernel)
		c.m.load(bin)
		open := func() {
			c.m.repeat(c.kernel, false, c.p.OpenIterations)
			c.m.repeat(c.kernel, true, c.p.OpenIterations)
		}
		closing := func() {
			c.m.repeat(c.kernel, true, c.p.CloseIterations)
			c.m.repeat(c.kernel, false, c.p.CloseIterations)
		}
		if c.p.Order == CloseThenOpen {
			closing()
			open()
		} else {
			open()
			closing()
		}
		c.m.store(bin)
	}
	if c.p.Keep > 0 {
		c.keepLargest(bin, w, h)
	}
	if c.p.FillHoles {
		c.fillHoles(bin, w, h)
	}
	fromBinary(dst, bin)
}

// keepLargest clears all but the Keep largest 8-connected components.
func (c *Cleaner) keepLargest(bin []byte, w, h int) {
	if c.lab.Label(bin, w, h, true, cc.Eight) <= c.p.Keep {
		return
	}
	c.keep = c.lab.Largest(c.keep, c.p.Keep)
	ncomp := len(c.lab.Components)
	if cap(c.labelSet) < ncomp+1 {
		c.labelSet = make([]bool, ncomp+1)
	}
	ok := c.labelSet[:ncomp+1]
	clear(ok)
	for _, i := range c.keep {
		ok[c.lab.Components[i].Label] = true
	}
	c.lab.Paint(bin, w, 0, func(l int32) bool { return !ok[l] })
}

// fillHoles sets every background region that does not touch the border.
func (c *Cleaner) fillHoles(bin []byte, w, h int) {
	ncomp := c.lab.Label(bin, w, h, false, cc.Four)
	if cap(c.labelSet) < ncomp+1 {
		c.labelSet = make([]bool, ncomp+1)
	}
	hole := c.labelSet[:ncomp+1]
	hole[0] = false
	for _, comp := range c.lab.Components {
		b := comp.Bounds
		hole[comp.Label] = b.Min.X > 0 && b.Min.Y > 0 && b.Max.X < w && b.Max.Y < h
	}
	c.lab.Paint(bin, w, 1, func(l int32) bool { return hole[l] })
}
