package imgproc

import (
	"image"
	"math"
)

// OpenCV's fixed-point format for 8-bit INTER_LINEAR weights.
const (
	resizeCoefBits  = 11
	resizeCoefScale = 1 << resizeCoefBits
)

// linearPlan holds the INTER_LINEAR tables of one (src, dst) size pair and
// the two cached horizontally resized rows.
type linearPlan struct {
	sw, sh, dw, dh int
	areaMode       bool
	xofs, yofs     []int32
	xalpha, ybeta  []int32 // pairs (w0, w1), fixed point, sum 2048
	xmax           int     // from here on, only S[xofs] is used
	rows           [2][]int32
	rowY           [2]int
}

// linearCoeffs computes OpenCV's source offsets and fixed-point weights
// along one axis (resize.cpp, resizeGeneric with ksize 2). OpenCV clamps
// offsets and weights at the borders only along x (clamp true); along y it
// keeps the raw weights and clamps the row index when reading, which
// rounds differently in the first and last rows of an enlargement.
func linearCoeffs(ssize, dsize int, areaMode, clamp bool, ofs, alpha []int32) (xmax int) {
	inv, scale := invScale(ssize, dsize)
	xmax = dsize
	for dx := 0; dx < dsize; dx++ {
		var sx int
		var fx float32
		if !areaMode {
			// float64 product rounded before the subtraction: no FMA.
			fx = float32(float64((float64(dx)+0.5)*scale) - 0.5)
			sx = int(math.Floor(float64(fx)))
			fx -= float32(sx)
		} else {
			sx = int(math.Floor(float64(dx) * scale))
			fx = float32(float64(dx+1) - float64(float64(sx+1)*inv))
			if fx <= 0 {
				fx = 0
			} else {
				fx -= float32(math.Floor(float64(fx)))
			}
		}
		if !clamp {
			ofs[dx] = int32(sx)
			alpha[2*dx] = int32(math.RoundToEven(float64((1 - fx) * resizeCoefScale)))
			alpha[2*dx+1] = int32(math.RoundToEven(float64(fx * resizeCoefScale)))
			continue
		}
		if sx < 0 {
			fx, sx = 0, 0
		}
		if sx+1 >= ssize {
			xmax = min(xmax, dx)
			if sx >= ssize-1 {
				fx, sx = 0, ssize-1
			}
		}
		ofs[dx] = int32(sx)
		alpha[2*dx] = int32(math.RoundToEven(float64((1 - fx) * resizeCoefScale)))
		alpha[2*dx+1] = int32(math.RoundToEven(float64(fx * resizeCoefScale)))
	}
	return xmax
}

// prepare (re)builds the tables when the sizes change.
func (p *linearPlan) prepare(sw, sh, dw, dh int, areaMode bool) {
	if p.sw == sw && p.sh == sh && p.dw == dw && p.dh == dh && p.areaMode == areaMode && p.xofs != nil {
		p.rowY = [2]int{-1, -1}
		return
	}
	p.sw, p.sh, p.dw, p.dh, p.areaMode = sw, sh, dw, dh, areaMode
	p.xofs = sizedInt32(p.xofs, dw)
	p.xalpha = sizedInt32(p.xalpha, 2*dw)
	p.yofs = sizedInt32(p.yofs, dh)
	p.ybeta = sizedInt32(p.ybeta, 2*dh)
	p.xmax = linearCoeffs(sw, dw, areaMode, true, p.xofs, p.xalpha)
	linearCoeffs(sh, dh, areaMode, false, p.yofs, p.ybeta)
	for i := range p.rows {
		p.rows[i] = sizedInt32(p.rows[i], dw)
	}
	p.rowY = [2]int{-1, -1}
}

// hrow returns the horizontally resized source row y (values scaled by
// 2048), computing it into one of the two cached rows when needed.
func (p *linearPlan) hrow(src *image.Gray, y int, keep int) []int32 {
	for i := range p.rowY {
		if p.rowY[i] == y {
			return p.rows[i]
		}
	}
	i := 0
	if p.rowY[0] == keep {
		i = 1
	}
	p.rowY[i] = y
	d := p.rows[i]
	s := src.Pix[y*src.Stride : y*src.Stride+p.sw]
	xofs, xa := p.xofs, p.xalpha
	dx := 0
	for ; dx < p.xmax; dx++ {
		sx := int(xofs[dx])
		d[dx] = int32(s[sx])*xa[2*dx] + int32(s[sx+1])*xa[2*dx+1]
	}
	for ; dx < p.dw; dx++ {
		d[dx] = int32(s[xofs[dx]]) * resizeCoefScale
	}
	return d
}

// run resizes with the prepared tables.
func (p *linearPlan) run(dst, src *image.Gray) {
	for dy := 0; dy < p.dh; dy++ {
		sy0 := min(max(int(p.yofs[dy]), 0), p.sh-1)
		sy1 := min(max(int(p.yofs[dy])+1, 0), p.sh-1)
		r0 := p.hrow(src, sy0, sy1)
		r1 := p.hrow(src, sy1, sy0)
		b0, b1 := p.ybeta[2*dy], p.ybeta[2*dy+1]
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+p.dw]
		r0, r1 = r0[:len(out)], r1[:len(out)]
		// OpenCV's SIMD formula (VResizeLinearVec_32s8u), which its
		// goldens show on every column, tails included: (S>>4) packed to
		// int16, multiply-high by the 16-bit weight, add, then a rounding
		// shift by 2.
		for x := range out {
			v := ((r0[x]>>4)*b0)>>16 + ((r1[x]>>4)*b1)>>16
			out[x] = satU8((v + 2) >> 2)
		}
	}
}

// satU8 clamps v to 0..255.
func satU8(v int32) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}
