package onnx

import "fmt"

// Archs lists the architectures Build supports, with the names and
// parameter layouts of package model (and of ref_saunet.py for saunet).
func Archs() []string { return []string{"saunet", "unet", "attunet"} }

func knownArch(arch string) bool {
	for _, a := range Archs() {
		if a == arch {
			return true
		}
	}
	return false
}

// unetFamily traces the U-Net family from x and returns the logits' value
// name. All three share SA-UNet's skeleton (SPEC section 5):
//   - saunet: spatial attention between the two bridge units;
//   - unet: no attention at all;
//   - attunet: additive attention gates a3/a2/a1 on the skips.
//
// DropBlock is the identity at inference, so it leaves no trace.
func unetFamily(g *graph, x, arch string, n int) (string, error) {
	t := tracer{g: g}
	c1 := t.block(x, "e1", 1, n)
	c2 := t.block(g.maxPool(c1), "e2", n, 2*n)
	c3 := t.block(g.maxPool(c2), "e3", 2*n, 4*n)
	m := t.unit(g.maxPool(c3), "m1.0", "m1.2", 4*n, 8*n)
	if arch == "saunet" {
		m = t.spatialAttention(m)
	}
	m = t.unit(m, "m2.0", "m2.2", 8*n, 8*n)
	skip3, skip2, skip1 := c3, c2, c1
	if arch == "attunet" {
		skip3 = t.gate(c3, m, "a3", 4*n, 8*n)
	}
	d3 := t.block(g.concat("d3.cat", t.up(m, "u3", 8*n, 4*n), skip3), "d3", 8*n, 4*n)
	if arch == "attunet" {
		skip2 = t.gate(c2, d3, "a2", 2*n, 4*n)
	}
	d2 := t.block(g.concat("d2.cat", t.up(d3, "u2", 4*n, 2*n), skip2), "d2", 4*n, 2*n)
	if arch == "attunet" {
		skip1 = t.gate(c1, d2, "a1", n, 2*n)
	}
	d1 := t.block(g.concat("d1.cat", t.up(d2, "u1", 2*n, n), skip1), "d1", 2*n, n)
	out := t.conv(d1, "out", n, 1, 1, true)
	return out, t.err
}

// tracer wraps graph's fallible steps and keeps the first error, so the
// architecture above reads as the network rather than as error handling.
// After an error every step is skipped.
type tracer struct {
	g   *graph
	err error
}

func (t *tracer) do(f func() (string, error)) string {
	if t.err != nil {
		return ""
	}
	v, err := f()
	if err != nil {
		t.err = err
	}
	return v
}

func (t *tracer) block(x, prefix string, cin, cout int) string {
	return t.do(func() (string, error) { return t.g.block(x, prefix, cin, cout) })
}

func (t *tracer) unit(x, conv, bn string, cin, cout int) string {
	return t.do(func() (string, error) { return t.g.convBNReLU(x, conv, bn, cin, cout) })
}

func (t *tracer) up(x, prefix string, cin, cout int) string {
	return t.do(func() (string, error) { return t.g.upConv(x, prefix, cin, cout) })
}

func (t *tracer) conv(x, prefix string, cin, cout, k int, bias bool) string {
	return t.do(func() (string, error) { return t.g.conv(x, prefix, cin, cout, k, bias) })
}

// spatialAttention multiplies x by sigmoid(conv7x7([mean_c(x), max_c(x)])),
// with the 7x7 convolution "sa.conv" (no bias).
func (t *tracer) spatialAttention(x string) string {
	if t.err != nil {
		return ""
	}
	g := t.g
	mean := g.node("ReduceMean", "sa.mean", []string{x}, ints("axes", 1), intAttr("keepdims", 1))
	max := g.node("ReduceMax", "sa.max", []string{x}, ints("axes", 1), intAttr("keepdims", 1))
	a := t.conv(g.concat("sa.cat", mean, max), "sa.conv", 2, 1, 7, false)
	if t.err != nil {
		return ""
	}
	gate := g.node("Sigmoid", "sa.gate", []string{a})
	return g.node("Mul", "sa.out", []string{x, gate})
}

// gate is package model's additive attention gate (Oktay et al. 2018) on
// skip x (cx channels) with gating signal s (cs channels, half x's
// resolution): x * sigmoid(psi(ReLU(wx(x) + up2(wg(s))))), all 1x1
// convolutions, wx without bias, up2 bilinear with PyTorch's
// align_corners=False (ONNX half_pixel).
func (t *tracer) gate(x, s, name string, cx, cs int) string {
	inter := max(cx/2, 1)
	theta := t.conv(x, name+".wx", cx, inter, 1, false)
	phi := t.conv(s, name+".wg", cs, inter, 1, true)
	if t.err != nil {
		return ""
	}
	g := t.g
	scales := g.constant(g.fresh(name+".scales"), []int{4}, []float32{1, 1, 2, 2})
	upPhi := g.node("Resize", name+".up", []string{phi, "", scales},
		strAttr("mode", "linear"), strAttr("coordinate_transformation_mode", "half_pixel"))
	sum := g.node("Add", name+".add", []string{theta, upPhi})
	r := g.node("Relu", name+".relu", []string{sum})
	psi := t.conv(r, name+".psi", inter, 1, 1, true)
	if t.err != nil {
		return ""
	}
	sig := g.node("Sigmoid", name+".sigmoid", []string{psi})
	return g.node("Mul", name+".mul", []string{x, sig})
}

// Params lists every tensor Build reads for arch with base channels n,
// name -> shape, in PyTorch state_dict naming (BatchNorm's
// num_batches_tracked aside). Tests use it to make complete weight sets.
func Params(arch string, n int) (map[string][]int, error) {
	if !knownArch(arch) {
		return nil, fmt.Errorf("architecture %q not supported (want one of %v)", arch, Archs())
	}
	p := map[string][]int{}
	conv := func(name string, cin, cout, k int, bias bool) {
		p[name+".weight"] = []int{cout, cin, k, k}
		if bias {
			p[name+".bias"] = []int{cout}
		}
	}
	unit := func(convName, bnName string, cin, cout int) {
		conv(convName, cin, cout, 3, true)
		for _, f := range []string{"weight", "bias", "running_mean", "running_var"} {
			p[bnName+"."+f] = []int{cout}
		}
	}
	block := func(prefix string, cin, cout int) {
		unit(prefix+".0", prefix+".2", cin, cout)
		unit(prefix+".4", prefix+".6", cout, cout)
	}
	block("e1", 1, n)
	block("e2", n, 2*n)
	block("e3", 2*n, 4*n)
	unit("m1.0", "m1.2", 4*n, 8*n)
	if arch == "saunet" {
		conv("sa.conv", 2, 1, 7, false)
	}
	unit("m2.0", "m2.2", 8*n, 8*n)
	for i, c := range []int{4 * n, 2 * n, n} {
		level := 3 - i
		p[fmt.Sprintf("u%d.weight", level)] = []int{2 * c, c, 3, 3}
		p[fmt.Sprintf("u%d.bias", level)] = []int{c}
		block(fmt.Sprintf("d%d", level), 2*c, c)
		if arch == "attunet" {
			a, inter := fmt.Sprintf("a%d", level), max(c/2, 1)
			conv(a+".wx", c, inter, 1, false)
			conv(a+".wg", 2*c, inter, 1, true)
			conv(a+".psi", inter, 1, 1, true)
		}
	}
	conv("out", n, 1, 1, true)
	return p, nil
}
