// Package augment draws and applies the training-time augmentation: one
// geometric transform (rotation, zoom, shift, i.e. a random crop resized back
// to full size) applied identically to an image and its mask, plus brightness
// and contrast changes applied to the image alone.
//
// It works on the preprocessed square images that training keeps in memory
// (8-bit CLAHE output at the model size, masks 0/1) and writes the float32
// network input directly, so a batch costs no allocation.
//
// No left-right flip. The paper used one, but a mirrored chest puts the heart
// on the right: the model would have to learn a symmetric notion of "lung",
// and the heart-excluded masks are not symmetric (the left lung has the
// cardiac notch). Real situs inversus is rare enough that teaching the model
// mirrored anatomy costs more on ordinary images than it gains; rotation,
// zoom and shift give the positional variety that matters for frontal films.
//
// Params are drawn from a generator seeded by (seed, epoch, index), so the
// augmentation of an image does not depend on batch order or on whether a run
// was resumed.
package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Params is one draw of the transform.
type Params struct {
	// Angle rotates the content, in degrees (clockwise as displayed, with y
	// pointing down).
	Angle float64
	// Scale zooms: above 1 shows a smaller central crop enlarged to the full
	// size, below 1 shrinks the content and pads with black.
	Scale float64
	// ShiftX and ShiftY move the content, as fractions of the side.
	ShiftX, ShiftY float64
	// Contrast multiplies intensities around mid-grey (0.5), Brightness is
	// then added; intensities are in [0, 1] and clamped.
	Contrast, Brightness float64
}

// Identity returns the parameters that leave image and mask unchanged.
func Identity() Params { return Params{Scale: 1, Contrast: 1} }

// Config bounds the random draw. Every value is drawn uniformly.
type Config struct {
	MaxAngle           float64 // degrees, symmetric
	MinScale, MaxScale float64
	MaxShift           float64 // fraction of the side, symmetric
	MinContrast        float64
	MaxContrast        float64
	MaxBrightness      float64 // symmetric
}

// DefaultConfig is the recipe: rotation ±10°, zoom 0.9-1.1, shift ±5 % (the
// position of the random crop), contrast 0.9-1.1, brightness ±0.08.
func DefaultConfig() Config {
	return Config{MaxAngle: 10, MinScale: 0.9, MaxScale: 1.1, MaxShift: 0.05,
		MinContrast: 0.9, MaxContrast: 1.1, MaxBrightness: 0.08}
}

// Augmenter applies transforms to size x size images. It keeps its random
// generator so drawing parameters does not allocate. Not safe for concurrent
// use: give each worker its own.
type Augmenter struct {
	size int
	cfg  Config
	pcg  *rand.PCG
	rng  *rand.Rand
	// lung and known are the planes of a partially labelled mask.
	lung, known []uint8
}

// New returns an Augmenter for size x size images drawing from cfg.
func New(size int, cfg Config) *Augmenter {
	pcg := rand.NewPCG(0, 0)
	return &Augmenter{size: size, cfg: cfg, pcg: pcg, rng: rand.New(pcg),
		lung: make([]uint8, size*size), known: make([]uint8, size*size)}
}

// Draw returns the parameters for image index in epoch of a run seeded with
// seed. The same three numbers always give the same parameters.
func (a *Augmenter) Draw(seed uint64, epoch, index int) Params {
	a.pcg.Seed(seed, uint64(epoch)<<32|uint64(uint32(index)))
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*a.rng.Float64() }
	c := a.cfg
	return Params{
		Angle:      u(-c.MaxAngle, c.MaxAngle),
		Scale:      u(c.MinScale, c.MaxScale),
		ShiftX:     u(-c.MaxShift, c.MaxShift),
		ShiftY:     u(-c.MaxShift, c.MaxShift),
		Contrast:   u(c.MinContrast, c.MaxContrast),
		Brightness: u(-c.MaxBrightness, c.MaxBrightness),
	}
}

// Apply transforms one image and its mask. img is the 8-bit preprocessed
// image and mask its 0/1 (or 0/255) mask, both size*size; dstImg receives
// the network input in [0, 1] (value/255 after the transform) and dstMask the
// transformed mask as exactly 0 or 1. Pixels mapped from outside the image are
// 0 in both. Image samples are bilinear; the mask is sampled bilinearly and
// thresholded at one half, which keeps it binary and its area unbiased.
//
// A 0/1 mask may also hold the value Ignore (a partial label: pixels whose
// class is unknown); such pixels come out as -1 in dstMask, which the loss
// leaves out. A destination pixel is 1 where the lung share of its sample
// is at least one half, else -1 where lung and ignored pixels together are,
// else 0.
func (a *Augmenter) Apply(dstImg, dstMask []float32, img, mask []uint8, p Params) error {
	s := a.size
	n := s * s
	if len(dstImg) != n || len(dstMask) != n || len(img) != n || len(mask) != n {
		return fmt.Errorf("augment: buffers of %d, %d, %d, %d values, want %d", len(dstImg), len(dstMask), len(img), len(mask), n)
	}
	if p.Scale <= 0 {
		return fmt.Errorf("augment: scale %v must be positive", p.Scale)
	}
	var maskOne float32 = 1
	partial := false
	for _, v := range mask {
		if v > Ignore {
			maskOne, partial = 255, false
			break
		}
		partial = partial || v == Ignore
	}
	lung, known := mask, mask
	if partial {
		// Split into lung (1) and lung-or-ignored (1) planes, sampled
		// separately; buffers are the Augmenter's own, reused.
		lung, known = a.lung, a.known
		for i, v := range mask {
			lung[i] = b2u(v == 1)
			known[i] = b2u(v != 0)
		}
	}
	// Inverse map from destination pixel centre to source coordinates:
	// src = R(-angle) * (dst - centre - shift) / scale + centre.
	sin, cos := math.Sincos(p.Angle * math.Pi / 180)
	half := float64(s) / 2
	sx, sy := p.ShiftX*float64(s), p.ShiftY*float64(s)
	inv := 1 / p.Scale
	// Contrast and brightness folded into v*gain + bias so that identity
	// parameters give exactly v.
	gain := float32(p.Contrast)
	bias := float32(0.5*(1-p.Contrast) + p.Brightness)
	for y := 0; y < s; y++ {
		dy := float64(y) + 0.5 - half - sy
		for x := 0; x < s; x++ {
			dx := float64(x) + 0.5 - half - sx
			u := (cos*dx+sin*dy)*inv + half - 0.5
			v := (-sin*dx+cos*dy)*inv + half - 0.5
			i := y*s + x
			g := bilinear(img, s, u, v) / 255
			g = g*gain + bias
			dstImg[i] = min(max(g, 0), 1)
			switch {
			case bilinear(lung, s, u, v) >= 0.5*maskOne:
				dstMask[i] = 1
			case partial && bilinear(known, s, u, v) >= 0.5:
				dstMask[i] = -1
			default:
				dstMask[i] = 0
			}
		}
	}
	return nil
}

// Ignore marks mask pixels of unknown class (partial labels); see Apply.
const Ignore = 2

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// bilinear samples src (s x s) at (u, v) in pixel-centre coordinates, with
// zero outside the image.
func bilinear(src []uint8, s int, u, v float64) float32 {
	x0f, y0f := math.Floor(u), math.Floor(v)
	fx, fy := float32(u-x0f), float32(v-y0f)
	x0, y0 := int(x0f), int(y0f)
	if x0 < -1 || y0 < -1 || x0 >= s || y0 >= s {
		return 0
	}
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= s || y >= s {
			return 0
		}
		return float32(src[y*s+x])
	}
	if fx == 0 && fy == 0 {
		return at(x0, y0)
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}
