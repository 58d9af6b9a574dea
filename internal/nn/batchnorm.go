package nn

import "math"

// BN momentum and epsilon, as PyTorch's BatchNorm2d defaults.
const (
	bnMomentum = 0.1
	bnEps      = 1e-5
)

// DropBlockConfig configures DropBlock (Ghiasi et al. 2018) as SA-UNet uses
// it: during training, seeds are drawn with probability
//
//	gamma = (1-Keep)/Block^2 * H*W / ((H-Block+1)*(W-Block+1))
//
// at positions where a whole Block x Block square fits (independently per
// image and channel), each seed zeroes its square, and the survivors are
// scaled by count/kept over the whole batch tensor. Keep >= 1 or feature
// maps smaller than a block disable it.
type DropBlockConfig struct {
	Keep  float64
	Block int
}

// bnLayer is batch normalisation in training mode (batch statistics,
// running averages updated), optionally preceded by DropBlock and followed
// by ReLU. DropBlock runs in place on the input, which only the conv before
// it produced and only this layer reads.
type bnLayer struct {
	layerBase
	gamma, beta, rmean, rvar, count *Param
	relu                            bool
	db                              DropBlockConfig
	dbOn                            bool
	mask                            []uint8
	kept                            []int64
	scale                           float32
	key                             uint64 // this step's DropBlock stream
	mean, invstd                    []float64
	sumG, sumGX                     []float64
}

// BatchNorm adds training-mode batch normalisation of x: per-channel batch
// mean and biased variance normalise, gamma and beta scale and shift,
// running mean and running (unbiased) variance move with momentum 0.1, and
// count (PyTorch's num_batches_tracked, may be nil) increments. db applies
// DropBlock to x first (in place); relu applies ReLU after. Only training
// graphs use it: inference folds the statistics into the preceding conv.
func (g *Graph) BatchNorm(x *Tensor, gamma, beta, rmean, rvar, count *Param, db DropBlockConfig, relu bool) *Tensor {
	for _, p := range []*Param{gamma, beta, rmean, rvar} {
		if len(p.Data) != x.C {
			g.fail("batchnorm %s: %d values for %d channels", p.Name, len(p.Data), x.C)
			return g.newTensor(x.C, x.H, x.W)
		}
	}
	if !g.train {
		g.fail("batchnorm %s: training graphs only (fold it for inference)", gamma.Name)
	}
	l := &bnLayer{gamma: gamma, beta: beta, rmean: rmean, rvar: rvar, count: count, relu: relu, db: db}
	l.dbOn = db.Keep < 1 && db.Block > 0 && x.H >= db.Block && x.W >= db.Block
	c := x.C
	l.mean, l.invstd = make([]float64, c), make([]float64, c)
	l.sumG, l.sumGX = make([]float64, c), make([]float64, c)
	return g.add(l, g.newTensor(c, x.H, x.W), x)
}

func (l *bnLayer) alloc(g *Graph) {
	if l.dbOn {
		x := l.in[0]
		l.mask = make([]uint8, x.N*x.Per())
		l.kept = make([]int64, x.N*x.C)
	}
}

func (l *bnLayer) forward(g *Graph) {
	x, y := l.in[0], l.out
	c, hw := x.C, x.HW()
	if l.dbOn {
		l.dropBlockMask(g)
	}
	// Per-channel statistics, DropBlock applied on the way (in place).
	g.e.For(c, l.cached(0, func() job {
		return func(_, lo, hi int) {
			n := g.n // read per call: the batch varies
			for ch := lo; ch < hi; ch++ {
				var s, ss float64
				for i := 0; i < n; i++ {
					o := (i*c + ch) * hw
					var m []uint8
					if l.dbOn {
						m = l.mask[o : o+hw]
					}
					a, b := dropSums(x.Data[o:o+hw], m, l.scale)
					s += a
					ss += b
				}
				cnt := float64(n * hw)
				mean := s / cnt
				v := max(ss/cnt-mean*mean, 0)
				l.mean[ch], l.invstd[ch] = mean, 1/math.Sqrt(v+bnEps)
				unbiased := v
				if cnt > 1 {
					unbiased = v * cnt / (cnt - 1)
				}
				l.rmean.Data[ch] = float32((1-bnMomentum)*float64(l.rmean.Data[ch]) + bnMomentum*mean)
				l.rvar.Data[ch] = float32((1-bnMomentum)*float64(l.rvar.Data[ch]) + bnMomentum*unbiased)
			}
		}
	}))
	if l.count != nil && len(l.count.Data) == 1 {
		l.count.Data[0]++
	}
	g.e.For(g.n*c, l.cached(1, func() job {
		return planes(c, func(_, i, ch int) {
			a := float32(float64(l.gamma.Data[ch]) * l.invstd[ch])
			b := l.beta.Data[ch] - float32(l.mean[ch])*a
			src := x.Data[(i*c+ch)*hw : (i*c+ch+1)*hw]
			dst := y.Data[(i*c+ch)*hw : (i*c+ch+1)*hw]
			if l.relu {
				for j, v := range src {
					dst[j] = max(v*a+b, 0)
				}
				return
			}
			for j, v := range src {
				dst[j] = v*a + b
			}
		})
	}))
}

// dropBlockMask draws this step's DropBlock mask and scale.
func (l *bnLayer) dropBlockMask(g *Graph) {
	x := l.in[0]
	c, h, w, bs := x.C, x.H, x.W, l.db.Block
	hw := h * w
	gamma := (1 - l.db.Keep) / float64(bs*bs) * float64(hw) / float64((h-bs+1)*(w-bs+1))
	l.key = streamKey(g.Seed, g.Step, l.id) // read by the cached job
	half := bs / 2
	vh, vw := h-bs+1, w-bs+1 // valid seed positions (block inside the map)
	logq := math.Log1p(-min(gamma, 1-1e-9))
	g.e.For(g.n*c, l.cached(6, func() job {
		return planes(c, func(_, i, ch int) {
			p := i*c + ch
			m := l.mask[p*hw : (p+1)*hw]
			for j := range m {
				m[j] = 1
			}
			// Bernoulli(gamma) seeds over the valid positions, drawn as
			// geometric gaps from the plane's own stream: ~gamma*V draws
			// instead of V, and still a pure function of (seed, step, layer,
			// plane).
			kp := mix64(l.key ^ (uint64(p)+1)*0x9e3779b97f4a7c15)
			pos := -1
			for t := uint64(0); ; t++ {
				u := (float64(mix64(kp+t)>>11) + 1) / (1 << 53) // (0, 1]
				gap := math.Log(u) / logq
				if gap >= float64(vh*vw) {
					break
				}
				pos += 1 + int(gap)
				if pos >= vh*vw {
					break
				}
				y, xx := half+pos/vw, half+pos%vw
				for dy := y - half; dy < y-half+bs; dy++ {
					clear(m[dy*w+xx-half : dy*w+xx-half+bs])
				}
			}
			var k int64
			for _, v := range m {
				k += int64(v)
			}
			l.kept[p] = k
		})
	}))
	var kept int64
	for _, k := range l.kept[:g.n*c] {
		kept += k
	}
	l.scale = 0
	if kept > 0 {
		l.scale = float32(float64(g.n*c*hw) / float64(kept))
	}
}

func (l *bnLayer) backward(g *Graph) {
	x, y := l.in[0], l.out
	c, hw := x.C, x.HW()
	// Pass 1 per channel: g = dy masked by ReLU (written back over dy,
	// which only this layer reads), sum(g) and sum(g*x); then
	// sum(g*xhat) = invstd*(sum(g*x) - mean*sum(g)).
	g.e.For(c, l.cached(3, func() job {
		return func(_, lo, hi int) {
			n := g.n // read per call: the batch varies
			for ch := lo; ch < hi; ch++ {
				var sg, sgx float64
				for i := 0; i < n; i++ {
					o := (i*c + ch) * hw
					a, b := reluGradSums(x.Data[o:o+hw], y.Data[o:o+hw], y.Grad[o:o+hw], l.relu)
					sg += a
					sgx += b
				}
				l.sumG[ch], l.sumGX[ch] = sg, (sgx-l.mean[ch]*sg)*l.invstd[ch]
			}
		}
	}))
	dg, db := g.pgrad(0, l.gamma), g.pgrad(0, l.beta)
	for ch := 0; ch < c; ch++ {
		dg[ch] += float32(l.sumGX[ch])
		db[ch] += float32(l.sumG[ch])
	}
	if x.Grad == nil {
		return
	}
	g.e.For(g.n*c, l.cached(4, func() job {
		return planes(c, func(_, i, ch int) {
			o := (i*c + ch) * hw
			cnt := float64(g.n * hw)
			// dx = gamma*invstd*(g - mean(g) - xhat*mean(g*xhat))
			//    = k*g + a*x + b  with the constants below.
			k := l.gamma.Data[ch] * float32(l.invstd[ch])
			a := -k * float32(l.invstd[ch]*l.sumGX[ch]/cnt)
			b := -k*float32(l.sumG[ch]/cnt) - a*float32(l.mean[ch])
			xs, gs, dxs := x.Data[o:o+hw], y.Grad[o:o+hw], x.Grad[o:o+hw]
			var m []uint8
			if l.dbOn {
				m = l.mask[o : o+hw]
			}
			bnInputGrad(dxs, gs, xs, m, k, a, b, l.scale, l.acc[0])
		})
	}))
}

// reluGradSums replaces dy by dy*(y > 0) when relu is set (branch-free:
// y is a ReLU output, so y > 0 exactly when its bits are non-zero) and
// returns sum(g) and sum(g*x), accumulated in float32 over short runs and
// in float64 across them.
func reluGradSums(x, y, dy []float32, relu bool) (float64, float64) {
	var sg, sgx float64
	for len(dy) > 0 {
		r := min(len(dy), 256)
		var a, b float32
		xs, ys, ds := x[:r], y[:r], dy[:r]
		for j, d := range ds {
			if relu {
				u := math.Float32bits(ys[j])
				keep := -((u | -u) >> 31) // all ones when u != 0
				d = math.Float32frombits(math.Float32bits(d) & keep)
				ds[j] = d
			}
			a += d
			b += d * xs[j]
		}
		sg += float64(a)
		sgx += float64(b)
		x, y, dy = x[r:], y[r:], dy[r:]
	}
	return sg, sgx
}

// bnInputGrad writes (or adds) k*g + a*x + b, times the DropBlock mask and
// scale when m is set, into dx.
func bnInputGrad(dx, g, x []float32, m []uint8, k, a, b, scale float32, acc bool) {
	g, x = g[:len(dx)], x[:len(dx)]
	switch {
	case m == nil && !acc:
		for j, v := range g {
			dx[j] = k*v + a*x[j] + b
		}
	case m == nil:
		for j, v := range g {
			dx[j] += k*v + a*x[j] + b
		}
	default:
		m = m[:len(dx)]
		for j, v := range g {
			d := (k*v + a*x[j] + b) * float32(m[j]) * scale
			if acc {
				d += dx[j]
			}
			dx[j] = d
		}
	}
}

// dropSums multiplies x by the DropBlock mask and scale in place when m is
// set, and returns sum(x) and sum(x*x) (float32 over short runs, float64
// across them).
func dropSums(x []float32, m []uint8, scale float32) (float64, float64) {
	var s, ss float64
	for len(x) > 0 {
		r := min(len(x), 256)
		var a, b float32
		xs := x[:r]
		if m != nil {
			ms := m[:r]
			for j, v := range xs {
				v *= float32(ms[j]) * scale
				xs[j] = v
				a += v
				b += v * v
			}
			m = m[r:]
		} else {
			for _, v := range xs {
				a += v
				b += v * v
			}
		}
		s += float64(a)
		ss += float64(b)
		x = x[r:]
	}
	return s, ss
}
