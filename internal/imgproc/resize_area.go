package imgproc

import (
	"image"
	"math"

	"github.com/cxlseg/cxlseg/internal/imgproc/simd"
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

	// Horizontal pass: destination column dx sums source columns
	// xstart[dx] .. xstart[dx]+taps-1 with weights xw[dx*taps:][:taps], in
	// order. The window is the same width for every column, padded with
	// zero weights before and after the real taps: adding +0 to a sum, or
	// starting it from +0, leaves a float32 sum bit for bit unchanged.
	taps   int
	xstart []int32
	xw     []float32

	// Vertical pass, OpenCV's ytab in order: entry j adds beta[j] times
	// source row ysrc[j] to destination row ydst[j].
	ysrc, ydst []int32
	ybeta      []float32

	// AVX2 path (package simd): 8 source rows at a time, one per vector
	// lane; buf8[dx*8+r] holds row g0+r's horizontal sums, tbuf the rows
	// transposed.
	rows8  bool
	noSIMD bool // tests: force the Go pass
	buf8   []float32
	tbuf   []byte

	buf, sum []float32
	u8f      [256]float32 // float32(v) for every byte v: a load is cheaper than a conversion
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
	if p.sw == sw && p.sh == sh && p.dw == dw && p.dh == dh && p.xstart != nil {
		return
	}
	p.sw, p.sh, p.dw, p.dh = sw, sh, dw, dh

	// Find each column's first and last tap to size the window.
	first := make([]int, dw)
	last := make([]int, dw)
	for d := range first {
		first[d], last[d] = sw, -1
	}
	areaTab(sw, dw, func(d, s int, _ float32) {
		first[d], last[d] = min(first[d], s), max(last[d], s)
	})
	p.taps = 0
	for d := range first {
		p.taps = max(p.taps, last[d]-first[d]+1)
	}
	p.xstart = sizedInt32(p.xstart, dw)
	p.xw = sizedFloat32(p.xw, p.taps*dw)
	clear(p.xw)
	for d := range first {
		p.xstart[d] = int32(min(first[d], sw-p.taps))
	}
	areaTab(sw, dw, func(d, s int, w float32) {
		p.xw[d*p.taps+s-int(p.xstart[d])] = w
	})
	if p.rows8 = simd.HaveAVX2() && sh >= 8 && !p.noSIMD; p.rows8 {
		p.buf8 = sizedFloat32(p.buf8, 8*dw)
		if cap(p.tbuf) < 8*sw {
			p.tbuf = make([]byte, 8*sw)
		}
		p.tbuf = p.tbuf[:8*sw]
	}

	p.ysrc, p.ydst, p.ybeta = p.ysrc[:0], p.ydst[:0], p.ybeta[:0]
	areaTab(sh, dh, func(d, s int, w float32) {
		p.ydst = append(p.ydst, int32(d))
		p.ysrc = append(p.ysrc, int32(s))
		p.ybeta = append(p.ybeta, w)
	})
	for v := range p.u8f {
		p.u8f[v] = float32(v)
	}
	p.buf = sizedFloat32(p.buf, dw)
	p.sum = sizedFloat32(p.sum, dw)
}

// hpass computes OpenCV's buf for one source row: per destination column,
// the weighted sum of its taps accumulated in tap order, every product
// rounded to float32 before the add (no FMA), as OpenCV computes it. Four
// columns advance together so their independent sums overlap in the CPU.
func (p *areaPlan) hpass(s []byte) {
	n := p.taps
	buf := p.buf[:p.dw]
	f := &p.u8f
	dx := 0
	for ; dx+4 <= len(buf); dx += 4 {
		r0 := s[p.xstart[dx]:][:n]
		r1 := s[p.xstart[dx+1]:][:n]
		r2 := s[p.xstart[dx+2]:][:n]
		r3 := s[p.xstart[dx+3]:][:n]
		w0 := p.xw[dx*n:][:n]
		w1 := p.xw[(dx+1)*n:][:n]
		w2 := p.xw[(dx+2)*n:][:n]
		w3 := p.xw[(dx+3)*n:][:n]
		var a0, a1, a2, a3 float32
		for k := range n {
			a0 += float32(f[r0[k]] * w0[k])
			a1 += float32(f[r1[k]] * w1[k])
			a2 += float32(f[r2[k]] * w2[k])
			a3 += float32(f[r3[k]] * w3[k])
		}
		buf[dx], buf[dx+1], buf[dx+2], buf[dx+3] = a0, a1, a2, a3
	}
	for ; dx < len(buf); dx++ {
		r := s[p.xstart[dx]:][:n]
		w := p.xw[dx*n:][:n]
		var a float32
		for k := range n {
			a += float32(f[r[k]] * w[k])
		}
		buf[dx] = a
	}
}

// run is ResizeArea_Invoker over all rows. The horizontal sums of a source
// row come from hpass, or, on the AVX2 path, from a batch of 8 consecutive
// rows (source rows are consumed in increasing order).
func (p *areaPlan) run(dst, src *image.Gray) {
	dw := p.dw
	sum := p.sum[:dw]
	clear(sum)
	prevDy := int(p.ydst[0])
	lastRow, g0 := -1, -1
	for j, sy32 := range p.ysrc {
		sy := int(sy32)
		dy, beta := int(p.ydst[j]), p.ybeta[j]
		// Row sy's sums are buf[dx*stride].
		buf, stride := p.buf[:dw], 1
		if p.rows8 {
			if g0 < 0 || sy < g0 || sy >= g0+8 {
				g0 = min(sy, p.sh-8)
				simd.AreaRows8(p.buf8, p.tbuf, src.Pix[g0*src.Stride:], src.Stride, p.sw, p.xstart, p.xw, p.taps)
			}
			buf, stride = p.buf8[sy-g0:], 8
		} else if sy != lastRow {
			p.hpass(src.Pix[sy*src.Stride : sy*src.Stride+p.sw])
			lastRow = sy
		}
		if dy != prevDy {
			out := dst.Pix[prevDy*dst.Stride : prevDy*dst.Stride+dw]
			for dx := range out {
				out[dx] = roundU8(sum[dx])
				sum[dx] = beta * buf[dx*stride]
			}
			prevDy = dy
		} else {
			for dx := range sum {
				sum[dx] += float32(beta * buf[dx*stride])
			}
		}
	}
	out := dst.Pix[prevDy*dst.Stride : prevDy*dst.Stride+dw]
	for dx := range out {
		out[dx] = roundU8(sum[dx])
	}
}
