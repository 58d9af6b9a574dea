package model

import "github.com/cxlseg/cxlseg/internal/nn"

// buildMode says what netBuilder does with the architecture description.
type buildMode int

const (
	declareMode buildMode = iota // list parameter names and shapes
	trainMode                    // build a training graph (BN batch stats, DropBlock)
	inferMode                    // build an inference graph (BN folded into convs)
)

// netBuilder walks an architecture once per use: to declare its
// parameters, and to build training or inference graphs, so the three can
// never disagree.
type netBuilder struct {
	mode buildMode
	cfg  Config

	// declareMode results, in PyTorch state_dict order.
	pnames, bnames   []string
	pshapes, bshapes [][]int
	order            []string
	units            []unit

	// graph modes.
	g           *nn.Graph
	m           *Model
	weights     *nn.Store // inferMode: folded copy of m.Params
	size        int
	input, outT *nn.Tensor
}

// sym is a tensor under construction; in declareMode only c is known.
// In inferMode a concatenation is left unwritten: t is nil and cat holds
// its two parts, which the next convolution reads directly.
type sym struct {
	t   *nn.Tensor
	c   int
	cat [2]*nn.Tensor
}

func (b *netBuilder) declare(name string, buffer bool, shape ...int) {
	b.order = append(b.order, name)
	if buffer {
		b.bnames, b.bshapes = append(b.bnames, name), append(b.bshapes, shape)
		return
	}
	b.pnames, b.pshapes = append(b.pnames, name), append(b.pshapes, shape)
}

// p returns the parameter the graph should read for name.
func (b *netBuilder) p(name string) *nn.Param {
	if b.mode == inferMode {
		if w := b.weights.Get(name); w != nil {
			return w
		}
	}
	return b.m.param(name)
}

// build describes the architecture: the one place it is written down.
func (b *netBuilder) build() sym {
	n := b.cfg.Base
	att := b.cfg.Arch == "attunet"
	x := b.in()
	c1 := b.block(x, "e1", n)
	c2 := b.block(b.pool(c1), "e2", 2*n)
	c3 := b.block(b.pool(c2), "e3", 4*n)
	m := b.unit(b.pool(c3), "m1.0", "m1.2", 8*n)
	if b.cfg.Arch == "saunet" {
		m = b.spatialAttention(m, "sa")
	}
	m = b.unit(m, "m2.0", "m2.2", 8*n)
	skip3, skip2, skip1 := c3, c2, c1
	if att {
		skip3 = b.gate(c3, m, "a3")
	}
	d3 := b.block(b.concat(b.convT(m, "u3", 4*n), skip3), "d3", 4*n)
	if att {
		skip2 = b.gate(c2, d3, "a2")
	}
	d2 := b.block(b.concat(b.convT(d3, "u2", 2*n), skip2), "d2", 2*n)
	if att {
		skip1 = b.gate(c1, d2, "a1")
	}
	d1 := b.block(b.concat(b.convT(d2, "u1", n), skip1), "d1", n)
	return b.conv(d1, "out", 1, 1, true)
}

func (b *netBuilder) in() sym {
	if b.mode == declareMode {
		return sym{c: 1}
	}
	b.input = b.g.Input(1, b.size, b.size)
	return sym{t: b.input, c: 1}
}

// block is ref_saunet.py's block(): two units, Sequential indices 0/2 and
// 4/6 (1 and 5 are DropBlock, 3 and 7 ReLU).
func (b *netBuilder) block(x sym, name string, cout int) sym {
	x = b.unit(x, name+".0", name+".2", cout)
	return b.unit(x, name+".4", name+".6", cout)
}

// unit is conv3x3 -> DropBlock -> BN -> ReLU; for inference the BN is
// folded into the conv.
func (b *netBuilder) unit(x sym, conv, bn string, cout int) sym {
	switch b.mode {
	case declareMode:
		b.declare(conv+".weight", false, cout, x.c, 3, 3)
		b.declare(conv+".bias", false, cout)
		b.declare(bn+".weight", false, cout)
		b.declare(bn+".bias", false, cout)
		b.declare(bn+".running_mean", true, cout)
		b.declare(bn+".running_var", true, cout)
		b.declare(bn+".num_batches_tracked", true)
		b.units = append(b.units, unit{conv: conv, bn: bn})
		return sym{c: cout}
	case trainMode:
		z := b.g.Conv(x.t, b.p(conv+".weight"), b.p(conv+".bias"))
		db := nn.DropBlockConfig{Keep: b.cfg.DropBlockKeep, Block: b.cfg.DropBlockSize}
		y := b.g.BatchNorm(z, b.p(bn+".weight"), b.p(bn+".bias"), b.p(bn+".running_mean"),
			b.p(bn+".running_var"), b.p(bn+".num_batches_tracked"), db, true)
		return sym{t: y, c: cout}
	}
	if x.t == nil {
		return sym{t: b.g.ConvReLUCat(x.cat[0], x.cat[1], b.p(conv+".weight"), b.p(conv+".bias")), c: cout}
	}
	return sym{t: b.g.ConvReLU(x.t, b.p(conv+".weight"), b.p(conv+".bias")), c: cout}
}

// conv is a plain k x k convolution.
func (b *netBuilder) conv(x sym, name string, cout, k int, bias bool) sym {
	if b.mode == declareMode {
		b.declare(name+".weight", false, cout, x.c, k, k)
		if bias {
			b.declare(name+".bias", false, cout)
		}
		return sym{c: cout}
	}
	var bp *nn.Param
	if bias {
		bp = b.p(name + ".bias")
	}
	return sym{t: b.g.Conv(x.t, b.p(name+".weight"), bp), c: cout}
}

// convT is ConvTranspose2d(cin, cout, 3, 2, padding=1, output_padding=1).
func (b *netBuilder) convT(x sym, name string, cout int) sym {
	if b.mode == declareMode {
		b.declare(name+".weight", false, x.c, cout, 3, 3)
		b.declare(name+".bias", false, cout)
		return sym{c: cout}
	}
	return sym{t: b.g.ConvT(x.t, b.p(name+".weight"), b.p(name+".bias")), c: cout}
}

func (b *netBuilder) pool(x sym) sym {
	if b.mode == declareMode {
		return x
	}
	return sym{t: b.g.MaxPool2(x.t), c: x.c}
}

// concat is the channel concatenation [x, y]. Only a block (whose first
// unit is a convolution) reads it, so inference graphs leave it to that
// convolution (nn.Graph.ConvReLUCat) instead of copying both inputs.
func (b *netBuilder) concat(x, y sym) sym {
	switch b.mode {
	case declareMode:
		return sym{c: x.c + y.c}
	case inferMode:
		return sym{c: x.c + y.c, cat: [2]*nn.Tensor{x.t, y.t}}
	}
	return sym{t: b.g.Concat(x.t, y.t), c: x.c + y.c}
}

// spatialAttention is ref_saunet.py's SpatialAttention.
func (b *netBuilder) spatialAttention(x sym, name string) sym {
	var a sym
	if b.mode == declareMode {
		a = sym{c: 2}
	} else {
		a = sym{t: b.g.MeanMax(x.t), c: 2}
	}
	s := b.conv(a, name+".conv", 1, 7, false)
	if b.mode == declareMode {
		return x
	}
	return sym{t: b.g.SigmoidMul(x.t, s.t), c: x.c}
}

// gate is an additive attention gate on skip x with gating signal g at
// half x's resolution.
func (b *netBuilder) gate(x, g sym, name string) sym {
	inter := max(x.c/2, 1)
	theta := b.conv(x, name+".wx", inter, 1, false)
	phi := b.conv(g, name+".wg", inter, 1, true)
	if b.mode == declareMode {
		b.conv(sym{c: inter}, name+".psi", 1, 1, true)
		return x
	}
	r := sym{t: b.g.AddReLU(theta.t, b.g.Upsample2(phi.t)), c: inter}
	s := b.conv(r, name+".psi", 1, 1, true)
	return sym{t: b.g.SigmoidMul(x.t, s.t), c: x.c}
}

// graph builds a training or inference graph of m for batch images of
// size x size and returns it planned with its input and logits tensors.
func (m *Model) graph(e *nn.Engine, mode buildMode, weights *nn.Store, batch, size int) (*nn.Graph, *nn.Tensor, *nn.Tensor, error) {
	if size < 8 || size%8 != 0 {
		return nil, nil, nil, errSize(size)
	}
	store := m.Params
	if mode == inferMode {
		store = weights
	}
	b := &netBuilder{mode: mode, cfg: m.cfg, m: m, weights: weights, size: size}
	b.g = nn.NewGraph(e, store, batch, mode == trainMode)
	logits := b.build()
	b.g.Output(logits.t)
	if err := b.g.Plan(); err != nil {
		return nil, nil, nil, err
	}
	return b.g, b.input, logits.t, nil
}
