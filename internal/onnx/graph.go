package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// bnEps is PyTorch's BatchNorm2d default epsilon, used when folding.
const bnEps = 1e-5

// graph accumulates the nodes and initializers of one ONNX graph while a
// network is traced, reading its weights by PyTorch state_dict name.
type graph struct {
	w     *safetensors.File
	nodes []*Node
	inits []*Tensor
	seq   int
}

// fresh returns a new, unique value name built from hint.
func (g *graph) fresh(hint string) string {
	g.seq++
	return fmt.Sprintf("%s_%d", hint, g.seq)
}

// node appends an operator and returns its (single) output name.
func (g *graph) node(op, hint string, inputs []string, attrs ...*Attribute) string {
	out := g.fresh(hint)
	g.nodes = append(g.nodes, &Node{
		Name:      out,
		OpType:    op,
		Input:     inputs,
		Output:    []string{out},
		Attribute: attrs,
	})
	return out
}

// constant adds a float32 initializer and returns its name.
func (g *graph) constant(name string, dims []int, data []float32) string {
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	d := make([]int64, len(dims))
	for i, v := range dims {
		d[i] = int64(v)
	}
	g.inits = append(g.inits, &Tensor{Name: name, Dims: d, DataType: Float, RawData: raw})
	return name
}

// conv adds a stride-1 "same" convolution with weights prefix.weight and,
// when bias is true, prefix.bias; cin and cout are checked against the file.
func (g *graph) conv(x, prefix string, cin, cout, k int, bias bool) (string, error) {
	w, err := g.w.Get(prefix+".weight", cout, cin, k, k)
	if err != nil {
		return "", err
	}
	inputs := []string{x, g.constant(prefix+".weight", []int{cout, cin, k, k}, w)}
	if bias {
		b, err := g.w.Get(prefix+".bias", cout)
		if err != nil {
			return "", err
		}
		inputs = append(inputs, g.constant(prefix+".bias", []int{cout}, b))
	}
	p := int64(k / 2)
	return g.node("Conv", prefix, inputs,
		ints("kernel_shape", int64(k), int64(k)), ints("pads", p, p, p, p), ints("strides", 1, 1)), nil
}

// convBN adds a 3x3 convolution (convName) followed by the eval-mode
// BatchNorm bnName folded into it: w' = w*s, b' = (b-mean)*s + beta with
// s = gamma/sqrt(var+eps). Folding keeps the graph small and is what ONNX
// Runtime would do anyway.
func (g *graph) convBN(x, convName, bnName string, cin, cout int) (string, error) {
	w, err := g.w.Get(convName+".weight", cout, cin, 3, 3)
	if err != nil {
		return "", err
	}
	b, err := g.w.Get(convName+".bias", cout)
	if err != nil {
		return "", err
	}
	var bn [4][]float32
	for i, field := range []string{"weight", "bias", "running_mean", "running_var"} {
		if bn[i], err = g.w.Get(bnName+"."+field, cout); err != nil {
			return "", err
		}
	}
	gamma, beta, mean, variance := bn[0], bn[1], bn[2], bn[3]
	fw := make([]float32, len(w))
	fb := make([]float32, cout)
	per := cin * 9
	for o := 0; o < cout; o++ {
		if variance[o] < 0 || math.IsNaN(float64(variance[o])) {
			return "", fmt.Errorf("%s.running_var[%d] = %v, want a non-negative value", bnName, o, variance[o])
		}
		s := float64(gamma[o]) / math.Sqrt(float64(variance[o])+bnEps)
		for i := 0; i < per; i++ {
			fw[o*per+i] = float32(float64(w[o*per+i]) * s)
		}
		fb[o] = float32((float64(b[o])-float64(mean[o]))*s + float64(beta[o]))
	}
	name := convName + "+" + bnName
	inputs := []string{x,
		g.constant(name+".weight", []int{cout, cin, 3, 3}, fw),
		g.constant(name+".bias", []int{cout}, fb)}
	return g.node("Conv", convName, inputs,
		ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)), nil
}

// convBNReLU is one conv unit of the networks: conv -> (DropBlock, the
// identity at inference) -> BatchNorm -> ReLU.
func (g *graph) convBNReLU(x, convName, bnName string, cin, cout int) (string, error) {
	y, err := g.convBN(x, convName, bnName, cin, cout)
	if err != nil {
		return "", err
	}
	return g.node("Relu", convName+".relu", []string{y}), nil
}

// block is PyTorch's block(cin, cout): two conv units named prefix.0/.2
// and prefix.4/.6 (indices 1, 3, 5, 7 are DropBlock and ReLU, no weights).
func (g *graph) block(x, prefix string, cin, cout int) (string, error) {
	y, err := g.convBNReLU(x, prefix+".0", prefix+".2", cin, cout)
	if err != nil {
		return "", err
	}
	return g.convBNReLU(y, prefix+".4", prefix+".6", cout, cout)
}

// maxPool adds a 2x2 stride-2 max-pool, named after its input.
func (g *graph) maxPool(x string) string {
	return g.node("MaxPool", PointName(x)+".pool", []string{x}, ints("kernel_shape", 2, 2), ints("strides", 2, 2))
}

// upConv adds PyTorch's ConvTranspose2d(cin, cout, 3, stride 2, padding 1,
// output_padding 1), which doubles the spatial size. ONNX and PyTorch share
// the weight layout [cin, cout, k, k].
func (g *graph) upConv(x, prefix string, cin, cout int) (string, error) {
	w, err := g.w.Get(prefix+".weight", cin, cout, 3, 3)
	if err != nil {
		return "", err
	}
	b, err := g.w.Get(prefix+".bias", cout)
	if err != nil {
		return "", err
	}
	inputs := []string{x,
		g.constant(prefix+".weight", []int{cin, cout, 3, 3}, w),
		g.constant(prefix+".bias", []int{cout}, b)}
	return g.node("ConvTranspose", prefix, inputs,
		ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1)), nil
}

// concat joins values along the channel axis, in order. hint names the
// result: it must be unique, since int8 calibration keys ranges by it
// (PointName).
func (g *graph) concat(hint string, xs ...string) string {
	return g.node("Concat", hint, xs, intAttr("axis", 1))
}

// ints is an INTS attribute.
func ints(name string, v ...int64) *Attribute {
	return &Attribute{Name: name, Type: AttrInts, Ints: v}
}

// intAttr is an INT attribute.
func intAttr(name string, v int64) *Attribute {
	return &Attribute{Name: name, Type: AttrInt, I: v}
}

// strAttr is a STRING attribute.
func strAttr(name, v string) *Attribute {
	return &Attribute{Name: name, Type: AttrString, S: v}
}
