package nn

// maxPoolLayer is 2x2 max pooling with stride 2.
type maxPoolLayer struct {
	layerBase
	arg []uint8 // index 0..3 of the maximum in each window (training)
}

// MaxPool2 adds 2x2 max pooling, stride 2 (even height and width).
// Ties go to the first maximum in row-major window order.
func (g *Graph) MaxPool2(x *Tensor) *Tensor {
	if x.H%2 != 0 || x.W%2 != 0 {
		g.fail("maxpool: odd size %dx%d", x.H, x.W)
	}
	return g.add(&maxPoolLayer{}, g.newTensor(x.C, x.H/2, x.W/2), x)
}

func (l *maxPoolLayer) alloc(g *Graph) {
	if g.train {
		l.arg = make([]uint8, l.out.N*l.out.Per())
	}
}

// maxPoolRow pools one output row (len(dst) values from 2*len(dst) of
// rows r0 and r1) in assembly, or is nil. Inference only: it keeps no
// argmax.
var maxPoolRow = simdMaxPoolRow()

func (l *maxPoolLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	w, oh, ow := x.W, y.H, y.W
	g.e.For(g.n*x.C, l.cached(0, func() job {
		return planes(x.C, func(_, i, ch int) {
			p := i*x.C + ch
			src := x.Data[p*x.HW() : (p+1)*x.HW()]
			dst := y.Data[p*y.HW() : (p+1)*y.HW()]
			if l.arg == nil && maxPoolRow != nil {
				for oy := 0; oy < oh; oy++ {
					maxPoolRow(src[2*oy*w:(2*oy+1)*w], src[(2*oy+1)*w:(2*oy+2)*w], dst[oy*ow:(oy+1)*ow])
				}
				return
			}
			var arg []uint8
			if l.arg != nil {
				arg = l.arg[p*y.HW() : (p+1)*y.HW()]
			}
			for oy := 0; oy < oh; oy++ {
				r0 := src[2*oy*w : 2*oy*w+w]
				r1 := src[(2*oy+1)*w : (2*oy+1)*w+w]
				for ox := 0; ox < ow; ox++ {
					m, a := r0[2*ox], uint8(0)
					if v := r0[2*ox+1]; v > m {
						m, a = v, 1
					}
					if v := r1[2*ox]; v > m {
						m, a = v, 2
					}
					if v := r1[2*ox+1]; v > m {
						m, a = v, 3
					}
					dst[oy*ow+ox] = m
					if arg != nil {
						arg[oy*ow+ox] = a
					}
				}
			}
		})
	}))
}

func (l *maxPoolLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	if x.Grad == nil {
		return
	}
	w, oh, ow := x.W, y.H, y.W
	acc := l.acc[0]
	g.e.For(g.n*x.C, l.cached(3, func() job {
		return planes(x.C, func(_, i, ch int) {
			p := i*x.C + ch
			dx := x.Grad[p*x.HW() : (p+1)*x.HW()]
			dy := y.Grad[p*y.HW() : (p+1)*y.HW()]
			arg := l.arg[p*y.HW() : (p+1)*y.HW()]
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					k := oy*ow + ox
					pos := [4]int{2*oy*w + 2*ox, 2*oy*w + 2*ox + 1, (2*oy+1)*w + 2*ox, (2*oy+1)*w + 2*ox + 1}
					if acc {
						dx[pos[arg[k]]] += dy[k]
						continue
					}
					for j, q := range pos {
						if uint8(j) == arg[k] {
							dx[q] = dy[k]
						} else {
							dx[q] = 0
						}
					}
				}
			}
		})
	}))
}
