package imgproc

import (
	"image"
	"math"
)

// areaFast is OpenCV's resizeAreaFast for integer factors fx, fy whose
// product divides the source exactly: the mean of each fx x fy box.
// OpenCV rounds the 2x2 case as (sum+2)>>2 (its SIMD path) and every other
// case as cvRound(sum * (1.f/area)) in float32; both are reproduced.
func areaFast(dst, src *image.Gray, fx, fy int) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	if fx == 2 && fy == 2 {
		for dy := 0; dy < dh; dy++ {
			s0 := src.Pix[2*dy*src.Stride:]
			s1 := src.Pix[(2*dy+1)*src.Stride:]
			s0, s1 = s0[:2*dw], s1[:2*dw]
			out := dst.Pix[dy*dst.Stride : dy*dst.Stride+dw]
			for dx := range out {
				sum := int(s0[2*dx]) + int(s0[2*dx+1]) + int(s1[2*dx]) + int(s1[2*dx+1])
				out[dx] = byte((sum + 2) >> 2)
			}
		}
		return
	}
	scale := 1 / float32(fx*fy)
	for dy := 0; dy < dh; dy++ {
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+dw]
		for dx := range out {
			sum := 0
			for k := 0; k < fy; k++ {
				row := src.Pix[(dy*fy+k)*src.Stride+dx*fx:]
				for _, v := range row[:fx] {
					sum += int(v)
				}
			}
			out[dx] = roundU8(float32(sum) * scale)
		}
	}
}

// areaPlan holds OpenCV's INTER_AREA decimation tables for one size pair,
// rearranged for speed without changing the order of the float32 sums.
type areaPlan struct {
	sw, sh, dw, dh int

	// Horizontal pass: every destination column has taps (padded with
	// zero weights, which leave a float32 sum unchanged). Tap k of column
	// dx reads source column xidx[k*dw+dx] with weight xw[k*dw+dx].
	taps int
	xidx []int32
	xw   []float32

	// Vertical pass, OpenCV's ytab in order: entry j adds beta[j] times
	// source row ysrc[j] to destination row ydst[j].
	ysrc, ydst []int32
	ybeta      []float32

	buf, sum []float32
}

// areaTab is computeResizeAreaTab: for each destination index, the
// overlapped source indices and their float weights, in OpenCV's order.
// It calls add(d, s, w) for each entry.
func areaTab(ssize, dsize int, add func(d, s int, w float32)) {
	_, scale := invScale(ssize, dsize)
	for dx := 0; dx < dsize; dx++ {
		fsx1 := float64(dx) * scale
		fsx2 := fsx1 + scale
		cellWidth := math.Min(scale, float64(ssize)-fsx1)
		sx1, sx2 := int(math.Ceil(fsx1)), int(math.Floor(fsx2))
		sx2 = min(sx2, ssize-1)
		sx1 = min(sx1, sx2)
		if float64(sx1)-fsx1 > 1e-3 {
			add(dx, sx1-1, float32((float64(sx1)-fsx1)/cellWidth))
		}
		for sx := sx1; sx < sx2; sx++ {
			add(dx, sx, float32(1/cellWidth))
		}
		if fsx2-float64(sx2) > 1e-3 {
			add(dx, sx2, float32(math.Min(math.Min(fsx2-float64(sx2), 1), cellWidth)/cellWidth))
		}
	}
}

// prepare (re)builds the tables when the sizes change.
func (p *areaPlan) prepare(sw, sh, dw, dh int) {
	if p.sw == sw && p.sh == sh && p.dw == dw && p.dh == dh && p.xidx != nil {
		return
	}
	p.sw, p.sh, p.dw, p.dh = sw, sh, dw, dh

	// Count taps per column to size the padded table.
	counts := make([]int, dw)
	areaTab(sw, dw, func(d, _ int, _ float32) { counts[d]++ })
	p.taps = 0
	for _, c := range counts {
		p.taps = max(p.taps, c)
	}
	p.xidx = sizedInt32(p.xidx, p.taps*dw)
	p.xw = sizedFloat32(p.xw, p.taps*dw)
	clear(p.xw)
	clear(counts)
	areaTab(sw, dw, func(d, s int, w float32) {
		k := counts[d]
		counts[d]++
		p.xidx[k*dw+d] = int32(s)
		p.xw[k*dw+d] = w
	})
	// Padding taps repeat the last real column with weight 0.
	for d, c := range counts {
		for k := c; k < p.taps; k++ {
			p.xidx[k*dw+d] = p.xidx[(c-1)*dw+d]
		}
	}

	p.ysrc, p.ydst, p.ybeta = p.ysrc[:0], p.ydst[:0], p.ybeta[:0]
	areaTab(sh, dh, func(d, s int, w float32) {
		p.ydst = append(p.ydst, int32(d))
		p.ysrc = append(p.ysrc, int32(s))
		p.ybeta = append(p.ybeta, w)
	})
	p.buf = sizedFloat32(p.buf, dw)
	p.sum = sizedFloat32(p.sum, dw)
}

// hpass computes OpenCV's buf for one source row: per destination column,
// the weighted sum of its taps accumulated in tap order. Looping over taps
// outside and columns inside keeps each column's order while letting the
// CPU overlap independent columns.
func (p *areaPlan) hpass(s []byte) {
	dw := p.dw
	buf := p.buf[:dw]
	idx, w := p.xidx[:dw], p.xw[:dw]
	for dx := range buf {
		buf[dx] = float32(s[idx[dx]]) * w[dx]
	}
	for k := 1; k < p.taps; k++ {
		idx, w := p.xidx[k*dw:(k+1)*dw], p.xw[k*dw:(k+1)*dw]
		for dx := range buf {
			// The conversion rounds the product: no FMA, as in OpenCV.
			buf[dx] += float32(float32(s[idx[dx]]) * w[dx])
		}
	}
}

// run is ResizeArea_Invoker over all rows.
func (p *areaPlan) run(dst, src *image.Gray) {
	dw := p.dw
	sum, buf := p.sum[:dw], p.buf[:dw]
	clear(sum)
	prevDy := int(p.ydst[0])
	lastRow := -1
	for j, sy := range p.ysrc {
		dy, beta := int(p.ydst[j]), p.ybeta[j]
		if int(sy) != lastRow {
			p.hpass(src.Pix[int(sy)*src.Stride : int(sy)*src.Stride+p.sw])
			lastRow = int(sy)
		}
		if dy != prevDy {
			out := dst.Pix[prevDy*dst.Stride : prevDy*dst.Stride+dw]
			for dx := range out {
				out[dx] = roundU8(sum[dx])
				sum[dx] = beta * buf[dx]
			}
			prevDy = dy
		} else {
			for dx := range sum {
				sum[dx] += float32(beta * buf[dx])
			}
		}
	}
	out := dst.Pix[prevDy*dst.Stride : prevDy*dst.Stride+dw]
	for dx := range out {
		out[dx] = roundU8(sum[dx])
	}
}
