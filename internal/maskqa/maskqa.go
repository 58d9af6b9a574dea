// Package maskqa measures a lung mask at model resolution for quality
// control: foreground fraction, components, left/right lung areas and
// boxes, mean probability, and flags for masks that need a look. Its
// fields map onto the columns of CXLSeg-qa.csv (see Header and Record).
//
// Sides are IMAGE sides: "left" is the left half of the picture, which on
// a standard frontal (PA/AP) radiograph is the PATIENT'S RIGHT lung.
// Each 8-connected component is assigned to the side of its centroid
// (x < width/2 is left), so lungs merged across the midline show up as one
// side (and the one_lung flag) rather than being cut in two.
package maskqa

import (
	"image"
	"math"
	"slices"

	"github.com/cxlseg/cxlseg/internal/imgproc/cc"
)

// Flag names, as written to the flags column.
const (
	FlagEmpty           = "empty"            // no foreground pixel
	FlagOneLung         = "one_lung"         // one side small or missing
	FlagExtraComponents = "extra_components" // more than two large components
	FlagImplausibleArea = "implausible_area" // foreground fraction out of range
	FlagLowConfidence   = "low_confidence"   // mean probability over the mask low
	FlagLowQuality      = "low_quality"      // estimated Dice below Thresholds.MinEstDice
)

// Thresholds are the limits behind the flags.
type Thresholds struct {
	// OneLungRatio: one_lung when the smaller side's area is below this
	// fraction of the larger side's (0 when a side is missing).
	OneLungRatio float64
	// LargeComponent: components at least this fraction of the image
	// count as large for extra_components (more than 2 large ones).
	LargeComponent float64
	// MinArea, MaxArea: implausible_area outside [MinArea, MaxArea] of
	// the image (CXLSeg masks are about 0.30; retrocardiac-inclusive
	// masks about 0.40).
	MinArea, MaxArea float64
	// MinMeanProb: low_confidence when the mean probability over the
	// mask's pixels is below it.
	MinMeanProb float64
	// MinEstDice: low_quality when the estimated Dice is below it.
	MinEstDice float64
}

// DefaultThresholds returns the documented defaults: one_lung below a
// 0.25 side ratio, large components from 0.5 % of the image, plausible
// area 10-55 %, low confidence below a mean probability of 0.75.
//
// Calibration on the reference masks of ../shared/data/lungseg resized to
// 224: the 1,345 heart-excluded masks have foreground fractions 0.13 /
// 0.23 / 0.38 (1st / 50th / 99th percentile) and left/right ratios 0.93 /
// 1.44 / 2.23, and none is flagged; the 418 V7 masks, which include the
// lung behind the heart, have fractions 0.19 / 0.36 / 0.56 and 9 exceed
// the area limit.
func DefaultThresholds() Thresholds {
	return Thresholds{OneLungRatio: 0.25, LargeComponent: 0.005, MinArea: 0.10, MaxArea: 0.55, MinMeanProb: 0.75, MinEstDice: 0.93}
}

// Result holds the measures of one mask.
type Result struct {
	Width, Height int
	// Foreground is the number of mask pixels (non-zero), FGFraction
	// that over the image area.
	Foreground int
	FGFraction float64
	// MeanProb is the mean probability over the mask's pixels; NaN when
	// no probabilities were given or the mask is empty.
	MeanProb float64
	// Components lists the 8-connected component sizes, largest first.
	Components []int
	// LeftArea and RightArea are the pixels of the components on the
	// image's left (patient's right) and right halves.
	LeftArea, RightArea int
	// LRRatio is LeftArea / RightArea; NaN when RightArea is 0.
	LRRatio float64
	// LeftBBox and RightBBox bound each side's components (Max
	// exclusive); empty rectangles when a side has none.
	LeftBBox, RightBBox image.Rectangle
	// RawLarge counts the large components (see Thresholds.LargeComponent)
	// of the raw mask, the probabilities thresholded at one half before
	// any clean-up: what the network produced. -1 without probabilities.
	RawLarge int
	// Quality features, NaN without probabilities (see Features).
	Features Features
	// EstDice is the estimated Dice of the mask against an expert's (see
	// Estimator); NaN without probabilities.
	EstDice float64
	// Flags, in the order of the Flag constants; nil when none.
	Flags []string
}

// Meter measures masks, reusing its labelling buffers between calls.
type Meter struct {
	T   Thresholds
	E   Estimator
	lab cc.Labeler
	bin []byte
	raw []byte
}

// NewMeter returns a Meter with thresholds t and the default estimator.
func NewMeter(t Thresholds) *Meter { return &Meter{T: t, E: DefaultEstimator()} }

// Measure measures mask (non-zero = lung) with the default thresholds.
// prob holds the network's probabilities for the same pixels (row-major,
// mask's width x height) or is nil.
func Measure(mask *image.Gray, prob []float32) Result {
	return NewMeter(DefaultThresholds()).Measure(mask, prob)
}

// Measure measures mask with m's thresholds; see the package Measure.
func (m *Meter) Measure(mask *image.Gray, prob []float32) Result {
	w, h := mask.Rect.Dx(), mask.Rect.Dy()
	n := w * h
	r := Result{Width: w, Height: h, MeanProb: math.NaN(), LRRatio: math.NaN(), RawLarge: -1, EstDice: math.NaN(),
		Features: Features{Uncertain: math.NaN(), SoftDice: math.NaN(), CleanChange: math.NaN()}}
	if cap(m.bin) < n {
		m.bin = make([]byte, n)
	}
	bin := m.bin[:n]
	var psum float64
	for y := 0; y < h; y++ {
		for x, v := range mask.Pix[y*mask.Stride : y*mask.Stride+w] {
			i := y*w + x
			bin[i] = 0
			if v != 0 {
				bin[i] = 1
				r.Foreground++
				if len(prob) == n {
					psum += float64(prob[i])
				}
			}
		}
	}
	if n > 0 {
		r.FGFraction = float64(r.Foreground) / float64(n)
	}
	if r.Foreground > 0 && len(prob) == n {
		r.MeanProb = psum / float64(r.Foreground)
	}
	m.lab.Label(bin, w, h, true, cc.Eight)
	comps := slices.Clone(m.lab.Components)
	slices.SortStableFunc(comps, func(a, b cc.Component) int { return b.Size - a.Size })
	large := 0
	for _, c := range comps {
		r.Components = append(r.Components, c.Size)
		if float64(c.Size) >= m.T.LargeComponent*float64(n) {
			large++
		}
		// Centroid x < w/2, in integers: 2*SumX < w*Size.
		if 2*c.SumX < int64(w)*int64(c.Size) {
			r.LeftArea += c.Size
			r.LeftBBox = r.LeftBBox.Union(c.Bounds)
		} else {
			r.RightArea += c.Size
			r.RightBBox = r.RightBBox.Union(c.Bounds)
		}
	}
	if r.RightArea > 0 {
		r.LRRatio = float64(r.LeftArea) / float64(r.RightArea)
	}
	if len(prob) == n {
		m.rawMeasures(&r, prob, bin)
		r.EstDice = m.E.Estimate(r)
	}
	r.Flags = m.flags(r, large)
	return r
}

// rawMeasures fills RawLarge and Features from the probabilities and the
// (cleaned) binary mask.
func (m *Meter) rawMeasures(r *Result, prob []float32, bin []byte) {
	n := len(prob)
	if cap(m.raw) < n {
		m.raw = make([]byte, n)
	}
	raw := m.raw[:n]
	var sumP, inter float64
	uncertain, diff := 0, 0
	for i, p := range prob {
		raw[i] = 0
		if p > 0.5 {
			raw[i] = 1
		}
		if raw[i] != bin[i] {
			diff++
		}
		if p > 0.1 && p < 0.9 {
			uncertain++
		}
		sumP += float64(p)
		if bin[i] != 0 {
			inter += float64(p)
		}
	}
	fg := float64(max(r.Foreground, 1))
	r.Features = Features{
		Uncertain:   float64(uncertain) / fg,
		SoftDice:    2 * inter / max(sumP+float64(r.Foreground), 1e-9),
		CleanChange: float64(diff) / fg,
	}
	m.lab.Label(raw, r.Width, r.Height, true, cc.Eight)
	r.RawLarge = 0
	for _, c := range m.lab.Components {
		if float64(c.Size) >= m.T.LargeComponent*float64(n) {
			r.RawLarge++
		}
	}
}

// flags derives the QA flags from the measures.
func (m *Meter) flags(r Result, large int) []string {
	if r.Foreground == 0 {
		return []string{FlagEmpty}
	}
	var f []string
	lo, hi := min(r.LeftArea, r.RightArea), max(r.LeftArea, r.RightArea)
	if float64(lo) < m.T.OneLungRatio*float64(hi) {
		f = append(f, FlagOneLung)
	}
	if large > 2 || r.RawLarge > 2 {
		f = append(f, FlagExtraComponents)
	}
	if r.FGFraction < m.T.MinArea || r.FGFraction > m.T.MaxArea {
		f = append(f, FlagImplausibleArea)
	}
	if !math.IsNaN(r.MeanProb) && r.MeanProb < m.T.MinMeanProb {
		f = append(f, FlagLowConfidence)
	}
	if !math.IsNaN(r.EstDice) && r.EstDice < m.T.MinEstDice {
		f = append(f, FlagLowQuality)
	}
	return f
}
