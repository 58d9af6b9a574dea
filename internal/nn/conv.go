package nn

// convTileFloats bounds the column tile of a convolution (floats): im2col
// writes a few output rows at a time and sgemm reads them while they are
// still in L2, instead of streaming a whole image's columns (up to 58 MB
// at 224x224) through memory.
const convTileFloats = 1 << 16

// convMinTile is the fewest pixels per column tile: narrower sgemm calls
// cost more in per-call overhead and packing than the cache saves.
const convMinTile = 512

// convLayer is a k x k convolution, stride 1, padding k/2 ("same" for odd
// k), weights OIHW, optional bias. Its input is the channel concatenation
// of its inputs (one, or two for ConvReLUCat).
type convLayer struct {
	layerBase
	w, b      *Param
	cin, cout int
	k         int
	rows      int            // output rows per im2col column tile
	band      int            // direct: output rows per unit of work
	wflip     []float32      // cin x (cout*k*k): flipped, transposed weights for dx
	relu      bool           // fused ReLU (inference graphs)
	kern      *conv3x3Kernel // the direct kernel the forward pass runs on, or nil
	wpack     []float32      // direct: weights packed for the kernel
	zeros     []float32      // direct: the bias when there is none
	cstride   int            // direct: channel stride of the band scratch
	dxDirect  bool           // backward computes dx on the direct kernel
	wpackT    []float32      // dxDirect: flipped weights packed for the kernel
	zerosIn   []float32      // dxDirect: its (zero) bias
}

// Conv adds a convolution of x with weight w (cout x cin x k x k, odd k,
// stride 1, same padding) and bias b (cout values, or nil).
func (g *Graph) Conv(x *Tensor, w, b *Param) *Tensor {
	return g.conv([]*Tensor{x}, w, b)
}

// conv adds a convolution of the channel concatenation of in.
func (g *Graph) conv(in []*Tensor, w, b *Param) *Tensor {
	x := in[0]
	cin := 0
	for _, t := range in {
		cin += t.C
	}
	if len(w.Shape) != 4 || w.Shape[1] != cin || w.Shape[2] != w.Shape[3] || w.Shape[2]%2 == 0 {
		g.fail("conv %s: weight shape %v does not fit %d input channels", w.Name, w.Shape, cin)
		return g.newTensor(1, x.H, x.W)
	}
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != w.Shape[0]) {
		g.fail("conv %s: bias shape %v for %d outputs", b.Name, b.Shape, w.Shape[0])
	}
	l := &convLayer{w: w, b: b, cin: cin, cout: w.Shape[0], k: w.Shape[2]}
	if g.useDirect(directConv != nil && l.k == 3 && l.cout%directConv.group == 0) {
		l.kern = directConv
	}
	if l.k > 1 && (g.train || l.kern == nil) {
		// Column tiles for im2col: the forward pass without the direct
		// kernel, and the backward pass.
		kk := (l.cin + l.cout) * l.k * l.k
		l.rows = min(max(convTileFloats/(kk*x.W), (convMinTile+x.W-1)/x.W), x.H)
		l.colSize = kk * l.rows * x.W
	}
	if l.kern != nil {
		l.planDirect(g.e.threads, x.H, x.W, g.train)
	}
	return g.add(l, g.newTensor(l.cout, x.H, x.W), in...)
}

// ConvReLU adds Conv followed by ReLU, fused: the bias and the ReLU are
// applied to each output tile while it is still in cache. Inference graphs
// only (it has no backward pass).
func (g *Graph) ConvReLU(x *Tensor, w, b *Param) *Tensor {
	return g.convReLU([]*Tensor{x}, w, b)
}

// ConvReLUCat is ConvReLU of the channel concatenation [a, b] (same height
// and width), read straight from a and b: the concatenation is never
// written out. Inference graphs only; k > 1.
func (g *Graph) ConvReLUCat(a, b *Tensor, w, bias *Param) *Tensor {
	if a.H != b.H || a.W != b.W {
		g.fail("convrelucat %s: sizes %dx%d and %dx%d", w.Name, a.H, a.W, b.H, b.W)
		return g.newTensor(1, a.H, a.W)
	}
	if len(w.Shape) == 4 && w.Shape[2] == 1 {
		g.fail("convrelucat %s: 1x1 kernels are not supported", w.Name)
	}
	return g.convReLU([]*Tensor{a, b}, w, bias)
}

func (g *Graph) convReLU(in []*Tensor, w, b *Param) *Tensor {
	if g.train {
		g.fail("convrelu %s: inference graphs only", w.Name)
	}
	y := g.conv(in, w, b)
	if l, ok := g.layers[len(g.layers)-1].(*convLayer); ok && l.out == y {
		l.relu = true
	}
	return y
}

func (l *convLayer) alloc(g *Graph) {
	x := l.in[0]
	// The direct kernel overwrites dx, so it serves only an input whose
	// gradient this layer writes first.
	l.dxDirect = g.train && l.kern != nil && x.Grad != nil && l.cin%l.kern.group == 0 && !l.acc[0]
	switch {
	case l.dxDirect:
		l.wpackT = make([]float32, len(l.w.Data))
		l.zerosIn = make([]float32, l.cin)
	case g.train && l.k > 1:
		l.wflip = make([]float32, len(l.w.Data))
	}
}

// forward splits the work into (image, row tile) units, so that even a
// single image keeps every worker busy; tiles write disjoint columns of
// the output, so the split does not change any result.
func (l *convLayer) forward(g *Graph) {
	if l.kern != nil {
		l.forwardDirect(g)
		return
	}
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cin*l.k*l.k
	if l.k == 1 {
		g.e.For(g.n, l.cached(0, func() job {
			return images(func(_, i int) {
				dst := y.Image(i)
				g.e.gemm.Sgemm(false, false, l.cout, hw, kk, 1, l.w.Data, kk, x.Image(i), hw, 0, dst, hw)
				l.post(dst, hw, 0, hw)
			})
		}))
		return
	}
	tiles := (x.H + l.rows - 1) / l.rows
	g.e.For(g.n*tiles, l.cached(1, func() job {
		return func(w, lo, hi int) {
			col := g.cols[w]
			for u := lo; u < hi; u++ {
				i, y0 := u/tiles, (u%tiles)*l.rows
				y1 := min(y0+l.rows, x.H)
				n := (y1 - y0) * x.W
				dst := y.Image(i)
				r := 0 // column rows written so far
				for _, t := range l.in {
					im2colRows(col[r*n:], t.Image(i), t.C, x.H, x.W, l.k, 1, l.k/2, x.W, y0, y1)
					r += t.C * l.k * l.k
				}
				g.e.gemm.Sgemm(false, false, l.cout, n, kk, 1, l.w.Data, kk, col, n, 0, dst[y0*x.W:], hw)
				l.post(dst, hw, y0*x.W, n)
			}
		}
	}))
}

// post adds the bias (and applies the fused ReLU) to columns [off, off+n)
// of every output channel, right after sgemm wrote them.
func (l *convLayer) post(dst []float32, hw, off, n int) {
	if l.b == nil && !l.relu {
		return
	}
	for c := 0; c < l.cout; c++ {
		var bias float32
		if l.b != nil {
			bias = l.b.Data[c]
		}
		row := dst[c*hw+off : c*hw+off+n]
		if l.relu {
			for j, v := range row {
				row[j] = max(v+bias, 0)
			}
		} else if bias != 0 {
			for j := range row {
				row[j] += bias
			}
		}
	}
}

// backward computes dW += dy * im2col(x)^T and, for the input gradient,
// dx = wflip * im2col(dy): a "full" convolution of dy with the flipped
// kernels, which needs only copies (no col2im scatter-add) and writes dx
// tile by tile.
func (l *convLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk, ko := x.HW(), l.cin*l.k*l.k, l.cout*l.k*l.k
	if x.Grad != nil && l.k > 1 && !l.dxDirect {
		kq := l.k * l.k
		for co := 0; co < l.cout; co++ {
			for ci := 0; ci < l.cin; ci++ {
				src := l.w.Data[(co*l.cin+ci)*kq : (co*l.cin+ci+1)*kq]
				dst := l.wflip[ci*ko+co*kq : ci*ko+(co+1)*kq]
				for j := range dst {
					dst[j] = src[kq-1-j]
				}
			}
		}
	}
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(w, i int) {
			dy, src := y.GradImage(i), x.Image(i)
			if l.b != nil {
				addRowSums(g.pgrad(w, l.b), dy, hw)
			}
			dW := g.pgrad(w, l.w)
			if l.k == 1 {
				g.e.gemm.Sgemm(false, true, l.cout, kk, hw, 1, dy, hw, src, hw, 1, dW, kk)
				if x.Grad != nil {
					g.e.gemm.Sgemm(true, false, l.cin, hw, l.cout, 1, l.w.Data, kk, dy, hw, beta01(l.acc[0]), x.GradImage(i), hw)
				}
				return
			}
			var dx []float32
			if x.Grad != nil && !l.dxDirect {
				dx = x.GradImage(i)
			}
			colX := g.cols[w][:kk*l.rows*x.W]
			colD := g.cols[w][kk*l.rows*x.W:]
			for y0 := 0; y0 < x.H; y0 += l.rows {
				y1 := min(y0+l.rows, x.H)
				n := (y1 - y0) * x.W
				im2colRows(colX, src, l.cin, x.H, x.W, l.k, 1, l.k/2, x.W, y0, y1)
				g.e.gemm.Sgemm(false, true, l.cout, kk, n, 1, dy[y0*x.W:], hw, colX, n, 1, dW, kk)
				if dx != nil {
					im2colRows(colD, dy, l.cout, x.H, x.W, l.k, 1, l.k/2, x.W, y0, y1)
					g.e.gemm.Sgemm(false, false, l.cin, n, ko, 1, l.wflip, ko, colD, n, beta01(l.acc[0]), dx[y0*x.W:], hw)
				}
			}
		})
	}))
	if l.dxDirect {
		l.backwardDirect(g)
	}
}

// convTLayer is PyTorch's ConvTranspose2d(cin, cout, 3, stride 2,
// padding 1, output_padding 1): h x w becomes 2h x 2w. Weights IOHW.
type convTLayer struct {
	layerBase
	w, b      *Param
	cin, cout int
	direct    bool      // forward runs on the direct kernel
	band      int       // direct: input rows per padded band
	wpack     []float32 // direct: weights packed for the kernel
	zeros     []float32 // direct: the bias when there is none
}

// ConvT adds a 3x3 stride-2 transposed convolution (padding 1, output
// padding 1) with weight w (cin x cout x 3 x 3) and bias b (cout, or nil),
// doubling the height and width.
func (g *Graph) ConvT(x *Tensor, w, b *Param) *Tensor {
	if len(w.Shape) != 4 || w.Shape[0] != x.C || w.Shape[2] != 3 || w.Shape[3] != 3 {
		g.fail("convT %s: weight shape %v does not fit %d input channels", w.Name, w.Shape, x.C)
		return g.newTensor(1, 2*x.H, 2*x.W)
	}
	l := &convTLayer{w: w, b: b, cin: x.C, cout: w.Shape[1]}
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != l.cout) {
		g.fail("convT %s: bias shape %v for %d outputs", b.Name, b.Shape, l.cout)
	}
	l.direct = g.useDirect(directConvT != nil && l.cout%4 == 0)
	if g.train || !l.direct {
		// Columns for sgemm + col2im: the forward pass without the direct
		// kernel, and the backward pass.
		l.colSize = l.cout * 9 * x.HW()
	}
	if l.direct {
		l.planDirect(g.e.threads, x.H, x.W)
	}
	return g.add(l, g.newTensor(l.cout, 2*x.H, 2*x.W), x)
}

func (l *convTLayer) alloc(*Graph) {}

func (l *convTLayer) forward(g *Graph) {
	if l.direct {
		l.forwardDirect(g)
		return
	}
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cout*9
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(w, i int) {
			col := g.cols[w][:kk*hw]
			g.e.gemm.Sgemm(true, false, kk, hw, l.cin, 1, l.w.Data, kk, x.Image(i), hw, 0, col, hw)
			dst := y.Image(i)
			if fillBias(dst, l.b, y.HW()) == 0 {
				clear(dst)
			}
			col2im(dst, col, l.cout, y.H, y.W, 3, 2, 1, x.H, x.W)
		})
	}))
}

func (l *convTLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cout*9
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(w, i int) {
			dy := y.GradImage(i)
			col := g.cols[w][:kk*hw]
			im2col(col, dy, l.cout, y.H, y.W, 3, 2, 1, x.H, x.W)
			g.e.gemm.Sgemm(false, true, l.cin, kk, hw, 1, x.Image(i), hw, col, hw, 1, g.pgrad(w, l.w), kk)
			if l.b != nil {
				addRowSums(g.pgrad(w, l.b), dy, y.HW())
			}
			if x.Grad != nil {
				g.e.gemm.Sgemm(false, false, l.cin, hw, kk, 1, l.w.Data, kk, col, hw, beta01(l.acc[0]), x.GradImage(i), hw)
			}
		})
	}))
}

// fillBias writes bias b[c] into every pixel of channel c of dst and
// returns the beta for the following sgemm: 1 with a bias, 0 without.
func fillBias(dst []float32, b *Param, hw int) float32 {
	if b == nil {
		return 0
	}
	for c, v := range b.Data {
		row := dst[c*hw : (c+1)*hw]
		for j := range row {
			row[j] = v
		}
	}
	return 1
}

// addRowSums adds the sum of each hw-long row of src to dst[row], summing in
// float64.
func addRowSums(dst, src []float32, hw int) {
	for c := range dst {
		var s float64
		for _, v := range src[c*hw : (c+1)*hw] {
			s += float64(v)
		}
		dst[c] += float32(s)
	}
}

func beta01(acc bool) float32 {
	if acc {
		return 1
	}
	return 0
}
