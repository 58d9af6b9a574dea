package nn

// directTileFloats bounds the input of one unit of work of a direct
// 3x3 convolution or ConvT (floats): a band of rows of every input channel
// that the kernel sweeps once per group of output channels, so it should
// stay in L2 (1 MB per core on the CPUs this targets).
const directTileFloats = 96 << 10

// directConv is the direct 3x3 convolution kernel the CPU runs, or nil:
// then every convolution lowers to im2col + sgemm.
var directConv = simdConv3x3()

// conv3x3Kernel is a direct 3x3 convolution kernel: run computes group
// output channels by block (at most 32) consecutive pixels from the input
// at b[off]; see simd.Conv3x3x8x32 for the operands. Mask bit j is lane j.
type conv3x3Kernel struct {
	group, block int
	run          func(cin int, a, b []float32, off, plane, w int, c []float32, ldc int, bias []float32, relu bool, m0, m1, m2 uint32)
}

// useDirect reports whether a layer runs its forward pass on a direct
// kernel, given whether one runs on this CPU and fits the layer.
func (g *Graph) useDirect(fits bool) bool { return fits && !g.im2colOnly }

// bands returns the number of row bands of an h-row image when a band may
// hold at most most rows: rounded up to a multiple of the thread count
// (while there are rows to spare) so one image splits evenly.
func bands(threads, h, most int) int {
	tiles := (h + most - 1) / most
	if tiles%threads != 0 && tiles < h {
		tiles = min((tiles+threads-1)/threads*threads, h)
	}
	return tiles
}

// planDirect picks the row band of a direct convolution, the unit of
// work: as many rows as fit directTileFloats, then evened out so that the
// bands of one image split over the workers in equal shares (a batch of
// one image still keeps every worker busy). Training graphs also run the
// input gradient (a convolution of dy with cout input channels) on it.
func (l *convLayer) planDirect(threads, h, w int, train bool) {
	tiles := bands(threads, h, max(directTileFloats/(l.cin*w)-2, 1))
	l.band = (h + tiles - 1) / tiles
	// One spare cache line per channel keeps channel strides off
	// multiples of 4 KB, where they would all map to the same L1 sets.
	l.cstride = (l.band+2)*w + 16
	c := l.cin
	if train {
		c = max(c, l.cout)
	}
	// A guard float before the band and slack after it: the AVX2 kernel
	// reads whole vectors around the pixels it uses.
	l.colSize = max(l.colSize, 1+c*l.cstride+32)
	l.wpack = make([]float32, l.cout*l.cin*9)
	if l.b == nil {
		l.zeros = make([]float32, l.cout)
	}
}

// packDirect lays the weights out as the kernel reads them: per group of
// output channels, for each input channel and tap, the group's weights
// side by side. It runs every Forward because training and
// Predictor.Refresh change the weights in place.
func (l *convLayer) packDirect() {
	w, per, gs := l.w.Data, l.cin*9, l.kern.group
	for co := 0; co < l.cout; co++ {
		grp, r := co/gs, co%gs
		dst := l.wpack[grp*gs*per:]
		src := w[co*per : (co+1)*per]
		for j, v := range src {
			dst[j*gs+r] = v
		}
	}
}

// packGrad packs the weights of the input gradient's convolution like
// packDirect: output channel ci, input channel co, tap t reads the
// forward weight (co, ci) at the flipped tap 8-t.
func (l *convLayer) packGrad() {
	per, gs := l.cout*9, l.kern.group
	for co := 0; co < l.cout; co++ {
		for ci := 0; ci < l.cin; ci++ {
			src := l.w.Data[(co*l.cin+ci)*9 : (co*l.cin+ci+1)*9]
			dst := l.wpackT[ci/gs*gs*per+co*9*gs+ci%gs:]
			for t := range 9 {
				dst[t*gs] = src[8-t]
			}
		}
	}
}

// forwardDirect runs the convolution on the direct kernel, one (image,
// row band) unit at a time: copy the band's input rows, with the rows
// above and below it, into per-worker scratch (one contiguous copy per
// channel, where im2col makes nine; a concatenated input is gathered from
// its two tensors here), then convBand. The copy matters: read in place,
// the channel planes of a 224 x 224 image lie a multiple of 4 KB apart
// and thrash L1. Each output value is one kernel sum whatever the
// banding, so results do not depend on the thread count.
func (l *convLayer) forwardDirect(g *Graph) {
	l.packDirect()
	y := l.out
	h, w := y.H, y.W
	bias := l.zeros
	if l.b != nil {
		bias = l.b.Data
	}
	tiles := (h + l.band - 1) / l.band
	g.e.For(g.n*tiles, l.cached(2, func() job {
		return func(wk, lo, hi int) {
			band := g.cols[wk]
			for u := lo; u < hi; u++ {
				i, y0 := u/tiles, (u%tiles)*l.band
				y1 := min(y0+l.band, h)
				ci := 0
				for _, t := range l.in {
					copyBand(band[1+ci*l.cstride:], t.Image(i), t.C, l.cstride, h, w, y0, y1)
					ci += t.C
				}
				convBand(l.kern, band, l.wpack, l.cin, l.cout, l.cstride, w, y0, y1, y.Image(i), bias, l.relu)
			}
		}
	}))
}

// backwardDirect computes the input gradient dx (overwriting it) as the
// "full" convolution of dy with the flipped kernels on the direct kernel,
// banded like forwardDirect.
func (l *convLayer) backwardDirect(g *Graph) {
	l.packGrad()
	x, y := l.in[0], l.out
	h, w := x.H, x.W
	tiles := (h + l.band - 1) / l.band
	g.e.For(g.n*tiles, l.cached(4, func() job {
		return func(wk, lo, hi int) {
			band := g.cols[wk]
			for u := lo; u < hi; u++ {
				i, y0 := u/tiles, (u%tiles)*l.band
				y1 := min(y0+l.band, h)
				copyBand(band[1:], y.GradImage(i), l.cout, l.cstride, h, w, y0, y1)
				convBand(l.kern, band, l.wpackT, l.cout, l.cin, l.cstride, w, y0, y1, x.GradImage(i), l.zerosIn, false)
			}
		}
	}))
}

// convBand computes, on kernel k, output rows y0 .. y1-1 of every output
// channel of one image (dst, h*w floats per channel) from the band
// copyBand made at band[1:] (cin channels cstride floats apart; band[0] is
// a guard the AVX2 kernel may read), a block of pixels at a time, all
// output channel groups back to back while the pixels' input rows are in
// L1. The kernel masks the left and right borders and adds the bias and
// the ReLU before its single store.
func convBand(k *conv3x3Kernel, band, wpack []float32, cin, cout, cstride, w, y0, y1 int, dst, bias []float32, relu bool) {
	gs, bs := k.group, k.block
	hw := len(dst) / cout
	dst = dst[y0*w:]
	// The band's rows are contiguous in the copy and in the output plane
	// alike, so pixel blocks run across row ends (no lanes idle at the end
	// of a 28- or 56-pixel row) and the masks clear the wrapped-around
	// neighbours.
	n := (y1 - y0) * w
	for q := 0; q < n; q += bs {
		m1 := ^uint32(0) >> (32 - min(n-q, bs)) // the pixels of the band
		m0, m2 := m1, m1
		for j := (w - q%w) % w; j < bs; j += w {
			m0 &^= 1 << j // column 0 has no left neighbour
		}
		for j := (w - 1 - q%w + w) % w; j < bs; j += w {
			m2 &^= 1 << j // column w-1 has no right neighbour
		}
		for co := 0; co < cout; co += gs {
			k.run(cin, wpack[co*cin*9:(co+gs)*cin*9], band, 1+q, cstride, w,
				dst[co*hw+q:], hw, bias[co:co+gs], relu, m0, m1, m2)
		}
	}
}

// copyBand copies rows y0-1 .. y1 of the c channels of img (h x w each)
// into band, channels cstride floats apart; rows outside the image are
// zero.
func copyBand(band, img []float32, c, cstride, h, w, y0, y1 int) {
	r0, r1 := max(y0-1, 0), min(y1+1, h)
	for ch := 0; ch < c; ch++ {
		dst := band[ch*cstride : ch*cstride+(y1-y0+2)*w]
		if y0 == 0 {
			clear(dst[:w])
		}
		if y1 == h {
			clear(dst[len(dst)-w:])
		}
		copy(dst[(r0-y0+1)*w:], img[ch*h*w+r0*w:ch*h*w+r1*w])
	}
}

// directConvT is the direct stride-2 transposed convolution kernel the CPU
// runs, or nil: then ConvT runs sgemm + col2im.
var directConvT = simdConvT3x3s2()

// convTKernel computes 4 output channels by 64 pixels (those whose bit is
// set in mask) of one output row of ConvT; see simd.ConvT3x3s2x4x64 for
// the operands.
type convTKernel func(cin, taps int, a, b []float32, plane, wp int, c []float32, ldc int, bias []float32, mask uint64)

// planDirect sizes the input row bands of a direct ConvT like those of a
// direct convolution (see convLayer.planDirect); a band holds its input
// rows plus the next one, each with a zero column after it.
func (l *convTLayer) planDirect(threads, h, w int) {
	wp := w + 1
	tiles := bands(threads, h, max(directTileFloats/(l.cin*wp)-1, 1))
	l.band = (h + tiles - 1) / tiles
	// Row taps read up to 33 floats from their start.
	l.colSize = max(l.colSize, l.cin*(l.band+1)*wp+48)
	l.wpack = make([]float32, 3*l.cout*l.cin*3)
	if l.b == nil {
		l.zeros = make([]float32, l.cout)
	}
}

// packDirect lays the IOHW weights out as the kernel reads them: for each
// group of 4 output channels, the even output rows' taps (kernel row 1)
// for every input channel, then the odd rows' (kernel rows 2 and 0, read
// from input rows y and y+1); each tap holds kernel columns 1, 2, 0 of
// the 4 channels. It runs every Forward because the weights change in
// place.
func (l *convTLayer) packDirect() {
	per := l.cin * 3 * 12 // floats per group: 1 + 2 taps of 12 per input channel
	for co := 0; co < l.cout; co++ {
		grp, r := co/4, co%4
		even := l.wpack[grp*per : grp*per+l.cin*12]
		odd := l.wpack[grp*per+l.cin*12 : (grp+1)*per]
		for ci := 0; ci < l.cin; ci++ {
			k := l.w.Data[(ci*l.cout+co)*9 : (ci*l.cout+co+1)*9]
			for j, kw := range [3]int{1, 2, 0} {
				even[ci*12+j*4+r] = k[3+kw]
				odd[ci*24+j*4+r] = k[6+kw]
				odd[ci*24+12+j*4+r] = k[kw]
			}
		}
	}
}

// forwardDirect runs ConvT on the direct kernel, one (image, input row
// band) unit at a time: pad the band, then write output rows 2y and 2y+1
// for each input row y, 4 channels by 64 pixels at a time, bias included.
// Like the convolution's, its results do not depend on the banding.
func (l *convTLayer) forwardDirect(g *Graph) {
	l.packDirect()
	x, y := l.in[0], l.out
	h, w, ohw := x.H, x.W, y.HW()
	bias := l.zeros
	if l.b != nil {
		bias = l.b.Data
	}
	per := l.cin * 3 * 12
	tiles := (h + l.band - 1) / l.band
	g.e.For(g.n*tiles, l.cached(2, func() job {
		return func(wk, lo, hi int) {
			pad := g.cols[wk]
			wp := w + 1
			for u := lo; u < hi; u++ {
				i, y0 := u/tiles, (u%tiles)*l.band
				y1 := min(y0+l.band, h)
				plane := (y1 - y0 + 1) * wp
				l.padBand(pad, x.Image(i), y0, y1)
				dst := y.Image(i)
				for iy := y0; iy < y1; iy++ {
					src := pad[(iy-y0)*wp:]
					for par := 0; par < 2; par++ {
						oy := 2*iy + par
						for co := 0; co < l.cout; co += 4 {
							a := l.wpack[co/4*per:]
							if par == 0 {
								a = a[:l.cin*12]
							} else {
								a = a[l.cin*12 : per]
							}
							for x0 := 0; x0 < w; x0 += 32 {
								mask := ^uint64(0) >> (64 - 2*min(w-x0, 32))
								directConvT(l.cin, 1+par, a, src[x0:], plane, wp, dst[co*ohw+oy*y.W+2*x0:], ohw, bias[co:co+4], mask)
							}
						}
					}
				}
			}
		}
	}))
}

// padBand copies input rows y0 .. y1 of img (a zero row when y1 is the
// image height) into pad, each followed by a zero column: rows of w+1
// floats, y1-y0+1 rows per channel.
func (l *convTLayer) padBand(pad, img []float32, y0, y1 int) {
	h, w := l.in[0].H, l.in[0].W
	wp := w + 1
	for c := 0; c < l.cin; c++ {
		src := img[c*h*w : (c+1)*h*w]
		for iy := y0; iy <= y1; iy++ {
			o := c*(y1-y0+1)*wp + (iy-y0)*wp
			row := pad[o : o+wp]
			if iy >= h {
				clear(row)
				continue
			}
			copy(row, src[iy*w:(iy+1)*w])
			row[w] = 0
		}
	}
}

// FastInference reports whether this CPU runs the direct kernels of every
// layer kind an SA-UNet's inference spends its time in (3x3 and transposed
// convolutions, max-pool). Where it does, the engine's fp32 inference
// outruns ONNX Runtime's fp32 (1.1x on one thread, 1.2x on two, measured
// alternating on an AVX-512 EPYC), so backend selection can prefer it.
func FastInference() bool { return directConv != nil && directConvT != nil && maxPoolRow != nil }
