package nn

import "math"

// concatLayer stacks a's channels then b's.
type concatLayer struct{ layerBase }

// Concat adds the channel concatenation [a, b] (same height and width).
func (g *Graph) Concat(a, b *Tensor) *Tensor {
	if a.H != b.H || a.W != b.W {
		g.fail("concat: sizes %dx%d and %dx%d", a.H, a.W, b.H, b.W)
	}
	return g.add(&concatLayer{}, g.newTensor(a.C+b.C, a.H, a.W), a, b)
}

func (l *concatLayer) alloc(*Graph) {}

func (l *concatLayer) forward(g *Graph) {
	a, b, y := l.in[0], l.in[1], l.out
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(_, i int) {
			dst := y.Image(i)
			copy(dst, a.Image(i))
			copy(dst[a.Per():], b.Image(i))
		})
	}))
}

func (l *concatLayer) backward(g *Graph) {
	a, b, y := l.in[0], l.in[1], l.out
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			dy := y.GradImage(i)
			if a.Grad != nil {
				putGrad(a.GradImage(i), dy[:a.Per()], l.acc[0])
			}
			if b.Grad != nil {
				putGrad(b.GradImage(i), dy[a.Per():], l.acc[1])
			}
		})
	}))
}

// putGrad writes (or adds) src into dst.
func putGrad(dst, src []float32, acc bool) {
	if !acc {
		copy(dst, src)
		return
	}
	for j, v := range src[:len(dst)] {
		dst[j] += v
	}
}

// reluLayer is an in-place ReLU.
type reluLayer struct{ layerBase }

// ReLU adds max(x, 0), computed in place: x must have no other reader
// after this point.
func (g *Graph) ReLU(x *Tensor) *Tensor {
	l := &reluLayer{}
	l.inplace = true
	return g.add(l, g.newTensor(x.C, x.H, x.W), x)
}

func (l *reluLayer) alloc(*Graph) {}

func (l *reluLayer) forward(g *Graph) {
	y := l.out
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(_, i int) {
			d := y.Image(i)
			for j, v := range d {
				d[j] = max(v, 0)
			}
		})
	}))
}

func (l *reluLayer) backward(g *Graph) {
	y := l.out
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			d, dy := y.Image(i), y.GradImage(i)
			for j, v := range d {
				if v <= 0 {
					dy[j] = 0
				}
			}
		})
	}))
}

// meanMaxLayer computes the per-pixel mean and max over channels.
type meanMaxLayer struct {
	layerBase
	arg []uint16 // channel of the maximum (training)
}

// MeanMax adds the 2-channel map [mean over channels, max over channels]
// (spatial attention's descriptor).
func (g *Graph) MeanMax(x *Tensor) *Tensor {
	if x.C > math.MaxUint16 {
		g.fail("meanmax: %d channels", x.C)
	}
	return g.add(&meanMaxLayer{}, g.newTensor(2, x.H, x.W), x)
}

func (l *meanMaxLayer) alloc(g *Graph) {
	if g.train {
		l.arg = make([]uint16, l.out.N*l.out.HW())
	}
}

func (l *meanMaxLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	c, hw := x.C, x.HW()
	inv := 1 / float32(c)
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(_, i int) {
			src, dst := x.Image(i), y.Image(i)
			mean, mx := dst[:hw], dst[hw:2*hw]
			copy(mean, src[:hw])
			copy(mx, src[:hw])
			var arg []uint16
			if l.arg != nil {
				arg = l.arg[i*hw : (i+1)*hw]
				clear(arg)
			}
			for ch := 1; ch < c; ch++ {
				plane := src[ch*hw : (ch+1)*hw]
				for j, v := range plane {
					mean[j] += v
					if v > mx[j] {
						mx[j] = v
						if arg != nil {
							arg[j] = uint16(ch)
						}
					}
				}
			}
			for j := range mean {
				mean[j] *= inv
			}
		})
	}))
}

func (l *meanMaxLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	if x.Grad == nil {
		return
	}
	c, hw := x.C, x.HW()
	inv := 1 / float32(c)
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			dy, dx := y.GradImage(i), x.GradImage(i)
			dmean, dmax := dy[:hw], dy[hw:2*hw]
			arg := l.arg[i*hw : (i+1)*hw]
			for ch := 0; ch < c; ch++ {
				plane := dx[ch*hw : (ch+1)*hw]
				for j := range plane {
					v := dmean[j] * inv
					if int(arg[j]) == ch {
						v += dmax[j]
					}
					if l.acc[0] {
						plane[j] += v
					} else {
						plane[j] = v
					}
				}
			}
		})
	}))
}

// sigmoidMulLayer computes x * sigmoid(s), s one channel broadcast over
// x's channels.
type sigmoidMulLayer struct {
	layerBase
	sig []float32
}

// SigmoidMul adds x * sigmoid(s), where s has one channel that multiplies
// every channel of x (an attention map).
func (g *Graph) SigmoidMul(x, s *Tensor) *Tensor {
	if s.C != 1 || s.H != x.H || s.W != x.W {
		g.fail("sigmoidmul: gate %dx%dx%d for input %dx%dx%d", s.C, s.H, s.W, x.C, x.H, x.W)
	}
	return g.add(&sigmoidMulLayer{}, g.newTensor(x.C, x.H, x.W), x, s)
}

func (l *sigmoidMulLayer) alloc(g *Graph) { l.sig = make([]float32, l.out.N*l.out.HW()) }

func (l *sigmoidMulLayer) forward(g *Graph) {
	x, s, y := l.in[0], l.in[1], l.out
	c, hw := x.C, x.HW()
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(_, i int) {
			sig := l.sig[i*hw : (i+1)*hw]
			for j, v := range s.Image(i) {
				sig[j] = Sigmoid(v)
			}
			src, dst := x.Image(i), y.Image(i)
			for ch := 0; ch < c; ch++ {
				a, b := src[ch*hw:(ch+1)*hw], dst[ch*hw:(ch+1)*hw]
				for j, v := range a {
					b[j] = v * sig[j]
				}
			}
		})
	}))
}

func (l *sigmoidMulLayer) backward(g *Graph) {
	x, s, y := l.in[0], l.in[1], l.out
	c, hw := x.C, x.HW()
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			sig := l.sig[i*hw : (i+1)*hw]
			src, dy := x.Image(i), y.GradImage(i)
			if x.Grad != nil {
				dx := x.GradImage(i)
				for ch := 0; ch < c; ch++ {
					a, d := dy[ch*hw:(ch+1)*hw], dx[ch*hw:(ch+1)*hw]
					for j, v := range a {
						if l.acc[0] {
							d[j] += v * sig[j]
						} else {
							d[j] = v * sig[j]
						}
					}
				}
			}
			if s.Grad != nil {
				ds := s.GradImage(i)
				for j := 0; j < hw; j++ {
					var t float32
					for ch := 0; ch < c; ch++ {
						t += dy[ch*hw+j] * src[ch*hw+j]
					}
					v := t * sig[j] * (1 - sig[j])
					if l.acc[1] {
						ds[j] += v
					} else {
						ds[j] = v
					}
				}
			}
		})
	}))
}

// Sigmoid returns 1/(1+exp(-v)), stable for large |v|.
func Sigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}

// addReLULayer computes max(a+b, 0).
type addReLULayer struct{ layerBase }

// AddReLU adds max(a+b, 0) for tensors of the same shape.
func (g *Graph) AddReLU(a, b *Tensor) *Tensor {
	if a.C != b.C || a.H != b.H || a.W != b.W {
		g.fail("addrelu: shapes %dx%dx%d and %dx%dx%d", a.C, a.H, a.W, b.C, b.H, b.W)
	}
	return g.add(&addReLULayer{}, g.newTensor(a.C, a.H, a.W), a, b)
}

func (l *addReLULayer) alloc(*Graph) {}

func (l *addReLULayer) forward(g *Graph) {
	a, b, y := l.in[0], l.in[1], l.out
	g.e.For(g.n, l.cached(0, func() job {
		return images(func(_, i int) {
			bs, d := b.Image(i), y.Image(i)
			for j, v := range a.Image(i) {
				d[j] = max(v+bs[j], 0)
			}
		})
	}))
}

func (l *addReLULayer) backward(g *Graph) {
	a, b, y := l.in[0], l.in[1], l.out
	g.e.For(g.n, l.cached(3, func() job {
		return images(func(_, i int) {
			ys, dy := y.Image(i), y.GradImage(i)
			for k, t := range []*Tensor{a, b} {
				if t.Grad == nil {
					continue
				}
				d := t.GradImage(i)
				for j, v := range dy {
					if ys[j] <= 0 {
						v = 0
					}
					if l.acc[k] {
						d[j] += v
					} else {
						d[j] = v
					}
				}
			}
		})
	}))
}
