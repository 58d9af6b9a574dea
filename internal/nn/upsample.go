package nn

// upsampleLayer is 2x bilinear upsampling with PyTorch's
// align_corners=False rule: output pixel o reads source coordinate
// (o+0.5)/2-0.5, clamped at 0, between its two neighbours.
type upsampleLayer struct {
	layerBase
	ry, rx []upTap
}

// upTap is one output coordinate's two source indices and weights.
type upTap struct {
	i0, i1 int
	w0, w1 float32
}

// Upsample2 adds 2x bilinear upsampling (align_corners=False).
func (g *Graph) Upsample2(x *Tensor) *Tensor {
	l := &upsampleLayer{ry: upTaps(x.H), rx: upTaps(x.W)}
	return g.add(l, g.newTensor(x.C, 2*x.H, 2*x.W), x)
}

func upTaps(n int) []upTap {
	t := make([]upTap, 2*n)
	for o := range t {
		src := max((float64(o)+0.5)/2-0.5, 0)
		i0 := int(src)
		i1 := min(i0+1, n-1)
		f := float32(src - float64(i0))
		t[o] = upTap{i0, i1, 1 - f, f}
	}
	return t
}

func (l *upsampleLayer) alloc(*Graph) {}

func (l *upsampleLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	g.e.For(g.n*x.C, l.cached(0, func() job {
		return planes(x.C, func(_, i, ch int) {
			p := i*x.C + ch
			src := x.Data[p*x.HW() : (p+1)*x.HW()]
			dst := y.Data[p*y.HW() : (p+1)*y.HW()]
			for oy, ty := range l.ry {
				r0, r1 := src[ty.i0*x.W:(ty.i0+1)*x.W], src[ty.i1*x.W:(ty.i1+1)*x.W]
				row := dst[oy*y.W : (oy+1)*y.W]
				for ox, tx := range l.rx {
					row[ox] = ty.w0*(tx.w0*r0[tx.i0]+tx.w1*r0[tx.i1]) + ty.w1*(tx.w0*r1[tx.i0]+tx.w1*r1[tx.i1])
				}
			}
		})
	}))
}

func (l *upsampleLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	if x.Grad == nil {
		return
	}
	g.e.For(g.n*x.C, l.cached(3, func() job {
		return planes(x.C, func(_, i, ch int) {
			p := i*x.C + ch
			dx := x.Grad[p*x.HW() : (p+1)*x.HW()]
			dy := y.Grad[p*y.HW() : (p+1)*y.HW()]
			if !l.acc[0] {
				clear(dx)
			}
			for oy, ty := range l.ry {
				r0, r1 := dx[ty.i0*x.W:(ty.i0+1)*x.W], dx[ty.i1*x.W:(ty.i1+1)*x.W]
				row := dy[oy*y.W : (oy+1)*y.W]
				for ox, tx := range l.rx {
					v := row[ox]
					r0[tx.i0] += ty.w0 * tx.w0 * v
					r0[tx.i1] += ty.w0 * tx.w1 * v
					r1[tx.i0] += ty.w1 * tx.w0 * v
					r1[tx.i1] += ty.w1 * tx.w1 * v
				}
			}
		})
	}))
}

// dropoutLayer zeroes each element with probability p during training and
// scales survivors by 1/(1-p); inference graphs pass x through.
type dropoutLayer struct {
	layerBase
	p    float64
	mask []uint8
	key  uint64 // this step's random stream
}

// Dropout adds element-wise dropout with drop probability p (training
// graphs; identity in inference graphs). Masks are seeded by the graph's
// Seed and Step.
func (g *Graph) Dropout(x *Tensor, p float64) *Tensor {
	if p < 0 || p >= 1 {
		g.fail("dropout: probability %v outside [0, 1)", p)
	}
	return g.add(&dropoutLayer{p: p}, g.newTensor(x.C, x.H, x.W), x)
}

func (l *dropoutLayer) alloc(g *Graph) {
	if g.train {
		l.mask = make([]uint8, l.out.N*l.out.Per())
	}
}

func (l *dropoutLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	if !g.train || l.p == 0 {
		g.e.For(g.n, l.cached(0, func() job { return images(func(_, i int) { copy(y.Image(i), x.Image(i)) }) }))
		return
	}
	thr := probThreshold(l.p)
	l.key = streamKey(g.Seed, g.Step, l.id) // read by the cached job
	scale := float32(1 / (1 - l.p))
	per := x.Per()
	g.e.For(g.n, l.cached(1, func() job {
		return images(func(_, i int) {
			m := l.mask[i*per : (i+1)*per]
			src, dst := x.Image(i), y.Image(i)
			for j, v := range src {
				if mix64(l.key+uint64(i*per+j)) < thr {
					m[j], dst[j] = 0, 0
				} else {
					m[j], dst[j] = 1, v*scale
				}
			}
		})
	}))
}

func (l *dropoutLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	if x.Grad == nil {
		return
	}
	scale := float32(1 / (1 - l.p))
	per := x.Per()
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			dy, dx := y.GradImage(i), x.GradImage(i)
			for j, v := range dy {
				if l.mask != nil && l.p > 0 {
					v *= float32(l.mask[i*per+j]) * scale
				}
				if l.acc[0] {
					dx[j] += v
				} else {
					dx[j] = v
				}
			}
		})
	}))
}
