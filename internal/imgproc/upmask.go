package imgproc

import (
	"fmt"
	"image"
)

// MaskScaler brings a lung mask from the model's resolution to an output
// of any size (512x512, or an original's own 2544x3056) without losing the
// probability map's detail.
//
// Nearest or bilinear scaling of the cleaned 224 mask gives staircase
// edges 10-14 pixels tall at original resolution. Thresholding the
// bilinearly upsampled probability map instead follows the network's own
// smooth boundary, but would undo the clean-up (specks, gaps, holes).
// Repeating the clean-up at the output size would need structuring
// elements scaled with it (an ellipse 60 pixels wide at 3000 px: seconds
// per image) and could decide differently. So the clean-up decides once,
// at model resolution, and the scaler carries its decisions into the map
// before upsampling: where the cleaned mask and the raw threshold
// disagree, the probability is replaced by 1 (a pixel the clean-up added:
// a filled hole, a closed gap) or 0 (one it removed: a speck, a third
// component). The carried map is upsampled bilinearly (OpenCV
// INTER_LINEAR) and thresholded with the Cleaner's rule (> threshold).
//
// Two properties follow and are tested: an output pixel whose four source
// samples are all lung in the cleaned mask is lung, and one whose four
// samples are all background is background; so the output keeps the
// cleaned mask's components and holes, and its edges stay within one
// model pixel of them. Cost is linear in the output's pixel count.
type MaskScaler struct {
	threshold float32
	carried   []float32
	fr        FloatResizer
}

// NewMaskScaler returns a scaler for masks cleaned with threshold thr
// (CleanParams.Threshold).
func NewMaskScaler(thr float32) *MaskScaler { return &MaskScaler{threshold: thr} }

// Scale writes into dst (0/255, any size) the mask for prob, the model's
// probability map, whose cleaned mask at the same resolution is clean.
// It panics when prob and clean differ in size.
func (s *MaskScaler) Scale(dst *image.Gray, prob []float32, clean *image.Gray) {
	sw, sh := clean.Rect.Dx(), clean.Rect.Dy()
	if len(prob) != sw*sh {
		panic(fmt.Sprintf("imgproc.MaskScaler: %d probabilities for a %dx%d mask", len(prob), sw, sh))
	}
	if cap(s.carried) < len(prob) {
		s.carried = make([]float32, len(prob))
	}
	c := s.carried[:len(prob)]
	thr := s.threshold
	for y := range sh {
		crow := clean.Pix[y*clean.Stride : y*clean.Stride+sw]
		for x, m := range crow {
			p := prob[y*sw+x]
			switch lung := m >= 128; {
			case lung && !(p > thr):
				p = 1
			case !lung && p > thr:
				p = 0
			}
			c[y*sw+x] = p
		}
	}
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	s.fr.rowsOf(c, sw, sh, dw, dh, func(y int, row []float32) {
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw]
		for x, v := range row {
			if v > thr { // NaN is background, as in Clean
				out[x] = 255
			} else {
				out[x] = 0
			}
		}
	})
}
