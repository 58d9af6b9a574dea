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

	buf, buf2, sum []float32
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

	p.ysrc, p.ydst, p.ybeta = p.ysrc[:0], p.ydst[:0], p.ybeta[:0]
	areaTab(sh, dh, func(d, s int, w float32) {
		p.ydst = append(p.ydst, int32(d))
		p.ysrc = append(p.ysrc, int32(s))
		p.ybeta = append(p.ybeta, w)
	})
	p.buf = sizedFloat32(p.buf, dw)
	p.buf2 = sizedFloat32(p.buf2, dw)
	p.sum = sizedFloat32(p.sum, dw)
}

// hpass2 computes OpenCV's buf for two source rows at once (into b0 and
// b1): per destination column, the weighted sum of its taps accumulated in
// tap order, every product rounded to float32 before the add (no FMA), as
// OpenCV computes it. Two columns of two rows advance together, so four
// independent sums overlap in the CPU and share the weight loads.
func (p *areaPlan) hpass2(s0, s1 []byte, b0, b1 []float32) {
	n := p.taps
	b0, b1 = b0[:p.dw], b1[:p.dw]
	dx := 0
	for ; dx+2 <= len(b0); dx += 2 {
		x0, x1 := p.xstart[dx], p.xstart[dx+1]
		r00, r01 := s0[x0:][:n], s0[x1:][:n]
		r10, r11 := s1[x0:][:n], s1[x1:][:n]
		w0 := p.xw[dx*n:][:n]
		w1 := p.xw[(dx+1)*n:][:n]
		var a00, a01, a10, a11 float32
		for k := range n {
			a00 += float32(float32(r00[k]) * w0[k])
			a01 += float32(float32(r01[k]) * w1[k])
			a10 += float32(float32(r10[k]) * w0[k])
			a11 += float32(float32(r11[k]) * w1[k])
		}
		b0[dx], b0[dx+1], b1[dx], b1[dx+1] = a00, a01, a10, a11
	}
	for ; dx < len(b0); dx++ {
		r0, r1 := s0[p.xstart[dx]:][:n], s1[p.xstart[dx]:][:n]
		w := p.xw[dx*n:][:n]
		var a0, a1 float32
		for k := range n {
			a0 += float32(float32(r0[k]) * w[k])
			a1 += float32(float32(r1[k]) * w[k])
		}
		b0[dx], b1[dx] = a0, a1
	}
}

// run is ResizeArea_Invoker over all rows. Source rows are consumed in
// increasing order, so each horizontal pass computes a row and the next
// one together and keeps both.
func (p *areaPlan) run(dst, src *image.Gray) {
	dw := p.dw
	sum := p.sum[:dw]
	clear(sum)
	prevDy := int(p.ydst[0])
	rowA, rowB := -1, -1 // source rows held in buf and buf2
	row := func(y int) []byte { return src.Pix[y*src.Stride : y*src.Stride+p.sw] }
	for j, sy32 := range p.ysrc {
		sy := int(sy32)
		dy, beta := int(p.ydst[j]), p.ybeta[j]
		var buf []float32
		switch sy {
		case rowA:
			buf = p.buf
		case rowB:
			buf = p.buf2
		default:
			next := min(sy+1, p.sh-1)
			p.hpass2(row(sy), row(next), p.buf, p.buf2)
			rowA, rowB = sy, next
			buf = p.buf
		}
		buf = buf[:dw]
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
