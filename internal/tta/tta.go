// Package tta perturbs model inputs and maps the predictions back
// (test-time augmentation). The mask QA uses one such perturbation to
// measure how stable a prediction is: a network that is unsure of a
// picture, or out of its depth on it, draws a different mask when the same
// picture is shifted and scaled a little, and the Dice between the two
// masks is one of the best predictors of the mask's true Dice.
package tta

import "math"

// Transform is a similarity transform about the image centre: scale by
// Scale, then shift by (DX, DY) pixels.
type Transform struct{ Scale, DX, DY float64 }

// Default is the perturbation of the QA estimate: 0.9x, shifted 5 px right
// and 3 px down; the whole picture stays in frame, so every pixel of the
// original has a prediction to compare with.
func Default() Transform { return Transform{Scale: 0.9, DX: 5, DY: 3} }

// Inverse returns the transform that undoes t.
func (t Transform) Inverse() Transform {
	return Transform{Scale: 1 / t.Scale, DX: -t.DX / t.Scale, DY: -t.DY / t.Scale}
}

// Apply writes src (size x size, row-major) transformed by t into dst:
// dst(y) = src(t⁻¹(y)), sampled bilinearly at pixel centres, 0 outside src.
func (t Transform) Apply(dst, src []float32, size int) {
	c := float64(size) / 2
	inv := 1 / t.Scale
	for y := range size {
		sy := c + (float64(y)+0.5-c-t.DY)*inv - 0.5
		for x := range size {
			sx := c + (float64(x)+0.5-c-t.DX)*inv - 0.5
			dst[y*size+x] = bilinear(src, size, sx, sy)
		}
	}
}

func bilinear(src []float32, s int, u, v float64) float32 {
	x0f, y0f := math.Floor(u), math.Floor(v)
	fx, fy := float32(u-x0f), float32(v-y0f)
	x0, y0 := int(x0f), int(y0f)
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= s || y >= s {
			return 0
		}
		return src[y*s+x]
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// Agreement returns the Dice between the masks p > 0.5 and q > 0.5 (1 when
// both are empty).
func Agreement(p, q []float32) float64 {
	var inter, a, b int
	for i := range p {
		pi, qi := p[i] > 0.5, q[i] > 0.5
		if pi {
			a++
		}
		if qi {
			b++
		}
		if pi && qi {
			inter++
		}
	}
	if a+b == 0 {
		return 1
	}
	return 2 * float64(inter) / float64(a+b)
}
