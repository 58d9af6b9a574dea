package metrics

import (
	"fmt"
	"math"
	"slices"
)

// Hausdorff computes HD95 for masks of one size, reusing its buffers so that
// scoring a whole evaluation set allocates once. Not safe for concurrent use.
//
// The definition follows MedPy's hd95, the one most papers report: the
// boundary of a mask is its foreground pixels with a background 4-neighbour
// (pixels outside the image count as background); the distances from every
// boundary pixel of each mask to the nearest boundary pixel of the other are
// pooled, and HD95 is their 95th percentile (linear interpolation between
// order statistics, as numpy.percentile). Distances are Euclidean, in pixels.
type Hausdorff struct {
	w, h  int
	dt    []float64 // squared distance to the nearest boundary pixel
	f, d  []float64 // 1-D transform scratch, max(w, h) long
	v     []int
	z     []float64
	dists []float64
}

// NewHausdorff returns a calculator for w x h masks.
func NewHausdorff(w, h int) *Hausdorff {
	n := max(w, h)
	return &Hausdorff{
		w: w, h: h,
		dt: make([]float64, w*h),
		f:  make([]float64, n), d: make([]float64, n),
		v: make([]int, n), z: make([]float64, n+1),
		dists: make([]float64, 0, 4*(w+h)),
	}
}

// HD95 returns the 95th-percentile symmetric Hausdorff distance between a
// and b (flat w*h masks, non-zero = foreground). It is 0 when both masks are
// empty and the image diagonal when exactly one is.
func (hd *Hausdorff) HD95(a, b []uint8) (float64, error) {
	if len(a) != hd.w*hd.h || len(b) != hd.w*hd.h {
		return 0, fmt.Errorf("metrics: HD95 of %d and %d pixels, want %dx%d", len(a), len(b), hd.w, hd.h)
	}
	ea, eb := empty(a), empty(b)
	switch {
	case ea && eb:
		return 0, nil
	case ea || eb:
		return math.Hypot(float64(hd.w), float64(hd.h)), nil
	}
	hd.dists = hd.dists[:0]
	hd.directed(a, b)
	hd.directed(b, a)
	return percentile(hd.dists, 95), nil
}

// directed appends the distance of every boundary pixel of a to the nearest
// boundary pixel of b.
func (hd *Hausdorff) directed(a, b []uint8) {
	for i := range hd.dt {
		if hd.isBoundary(b, i) {
			hd.dt[i] = 0
		} else {
			hd.dt[i] = math.Inf(1)
		}
	}
	hd.transform()
	for i := range hd.dt {
		if hd.isBoundary(a, i) {
			hd.dists = append(hd.dists, math.Sqrt(hd.dt[i]))
		}
	}
}

// isBoundary reports whether pixel i of m is foreground with a background
// 4-neighbour or on the image edge.
func (hd *Hausdorff) isBoundary(m []uint8, i int) bool {
	if m[i] == 0 {
		return false
	}
	x, y := i%hd.w, i/hd.w
	if x == 0 || y == 0 || x == hd.w-1 || y == hd.h-1 {
		return true
	}
	return m[i-1] == 0 || m[i+1] == 0 || m[i-hd.w] == 0 || m[i+hd.w] == 0
}

// transform turns hd.dt (0 at sites, +Inf elsewhere) into the exact squared
// Euclidean distance transform, separably: columns then rows
// (Felzenszwalb and Huttenlocher 2012).
func (hd *Hausdorff) transform() {
	w, h := hd.w, hd.h
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			hd.f[y] = hd.dt[y*w+x]
		}
		hd.edt1(h)
		for y := 0; y < h; y++ {
			hd.dt[y*w+x] = hd.d[y]
		}
	}
	for y := 0; y < h; y++ {
		copy(hd.f[:w], hd.dt[y*w:(y+1)*w])
		hd.edt1(w)
		copy(hd.dt[y*w:(y+1)*w], hd.d[:w])
	}
}

// edt1 is the 1-D squared distance transform of hd.f[:n] into hd.d[:n]
// (lower envelope of parabolas).
func (hd *Hausdorff) edt1(n int) {
	f, d, v, z := hd.f, hd.d, hd.v, hd.z
	k := -1
	for q := 0; q < n; q++ {
		if math.IsInf(f[q], 1) {
			continue
		}
		for k >= 0 {
			s := ((f[q] + float64(q*q)) - (f[v[k]] + float64(v[k]*v[k]))) / float64(2*(q-v[k]))
			if s > z[k] {
				k++
				v[k], z[k] = q, s
				z[k+1] = math.Inf(1)
				break
			}
			k--
		}
		if k < 0 {
			k = 0
			v[0], z[0], z[1] = q, math.Inf(-1), math.Inf(1)
		}
	}
	if k < 0 { // no site on this line
		for q := 0; q < n; q++ {
			d[q] = math.Inf(1)
		}
		return
	}
	j := 0
	for q := 0; q < n; q++ {
		for z[j+1] < float64(q) {
			j++
		}
		dq := float64(q - v[j])
		d[q] = dq*dq + f[v[j]]
	}
}

func empty(m []uint8) bool {
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// percentile is numpy.percentile(xs, p) with linear interpolation; it sorts
// xs in place. xs must not be empty.
func percentile(xs []float64, p float64) float64 {
	slices.Sort(xs)
	pos := p / 100 * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	frac := pos - float64(lo)
	return xs[lo] + frac*(xs[lo+1]-xs[lo])
}
