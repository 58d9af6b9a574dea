package nn

// convLayer is a k x k convolution, stride 1, padding k/2 ("same" for odd
// k), weights OIHW, optional bias.
type convLayer struct {
	layerBase
	w, b      *Param
	cin, cout int
	k         int
}

// Conv adds a convolution of x with weight w (cout x cin x k x k, odd k,
// stride 1, same padding) and bias b (cout values, or nil).
func (g *Graph) Conv(x *Tensor, w, b *Param) *Tensor {
	if len(w.Shape) != 4 || w.Shape[1] != x.C || w.Shape[2] != w.Shape[3] || w.Shape[2]%2 == 0 {
		g.fail("conv %s: weight shape %v does not fit %d input channels", w.Name, w.Shape, x.C)
		return g.newTensor(1, x.H, x.W)
	}
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != w.Shape[0]) {
		g.fail("conv %s: bias shape %v for %d outputs", b.Name, b.Shape, w.Shape[0])
	}
	l := &convLayer{w: w, b: b, cin: x.C, cout: w.Shape[0], k: w.Shape[2]}
	if l.k > 1 {
		l.colSize = l.cin * l.k * l.k * x.HW()
	}
	return g.add(l, g.newTensor(l.cout, x.H, x.W), x)
}

func (l *convLayer) alloc(*Graph) {}

func (l *convLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cin*l.k*l.k
	g.perImage(func(w, i int) {
		src := x.Image(i)
		if l.k > 1 {
			im2col(g.cols[w], src, l.cin, x.H, x.W, l.k, 1, l.k/2, x.H, x.W)
			src = g.cols[w][:kk*hw]
		}
		dst := y.Image(i)
		beta := fillBias(dst, l.b, hw)
		g.e.gemm.Sgemm(false, false, l.cout, hw, kk, 1, l.w.Data, kk, src, hw, beta, dst, hw)
	})
}

func (l *convLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cin*l.k*l.k
	g.perImage(func(w, i int) {
		dy := y.GradImage(i)
		src := x.Image(i)
		if l.k > 1 {
			im2col(g.cols[w], src, l.cin, x.H, x.W, l.k, 1, l.k/2, x.H, x.W)
			src = g.cols[w][:kk*hw]
		}
		g.e.gemm.Sgemm(false, true, l.cout, kk, hw, 1, dy, hw, src, hw, 1, g.pgrad(w, l.w), kk)
		if l.b != nil {
			addRowSums(g.pgrad(w, l.b), dy, hw)
		}
		if x.Grad == nil {
			return
		}
		dx := x.GradImage(i)
		if l.k == 1 {
			g.e.gemm.Sgemm(true, false, l.cin, hw, l.cout, 1, l.w.Data, kk, dy, hw, beta01(l.acc[0]), dx, hw)
			return
		}
		col := g.cols[w][:kk*hw]
		g.e.gemm.Sgemm(true, false, kk, hw, l.cout, 1, l.w.Data, kk, dy, hw, 0, col, hw)
		if !l.acc[0] {
			clear(dx)
		}
		col2im(dx, col, l.cin, x.H, x.W, l.k, 1, l.k/2, x.H, x.W)
	})
}

// convTLayer is PyTorch's ConvTranspose2d(cin, cout, 3, stride 2,
// padding 1, output_padding 1): h x w becomes 2h x 2w. Weights IOHW.
type convTLayer struct {
	layerBase
	w, b      *Param
	cin, cout int
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
	l.colSize = l.cout * 9 * x.HW()
	return g.add(l, g.newTensor(l.cout, 2*x.H, 2*x.W), x)
}

func (l *convTLayer) alloc(*Graph) {}

func (l *convTLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cout*9
	g.perImage(func(w, i int) {
		col := g.cols[w][:kk*hw]
		g.e.gemm.Sgemm(true, false, kk, hw, l.cin, 1, l.w.Data, kk, x.Image(i), hw, 0, col, hw)
		dst := y.Image(i)
		if fillBias(dst, l.b, y.HW()) == 0 {
			clear(dst)
		}
		col2im(dst, col, l.cout, y.H, y.W, 3, 2, 1, x.H, x.W)
	})
}

func (l *convTLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	hw, kk := x.HW(), l.cout*9
	g.perImage(func(w, i int) {
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
