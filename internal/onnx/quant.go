package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Precisions of an exported graph (Options.Precision, metadata "precision").
const (
	PrecisionFP32 = "fp32"
	PrecisionInt8 = "int8"
)

// Precisions lists the graph precisions Build writes.
func Precisions() []string { return []string{PrecisionFP32, PrecisionInt8} }

// QuantScheme describes the int8 graphs Quantize writes, for the metadata.
const QuantScheme = "QDQ (QuantizeLinear/DequantizeLinear, opset 13): every 3x3 Conv, and each ConvTranspose rewritten " +
	"as a 2x2 Conv + DepthToSpace, in int8 with per-channel symmetric int8 weights, int32 biases and per-tensor " +
	"asymmetric uint8 activations (ReLU folded in, MaxPool in uint8); the spatial attention, the 1x1 head and the sigmoid stay float32"

// quantizable reports whether n runs in int8: every convolution with a
// 3x3 kernel, and the 2x2 ones that replace the transposed convolutions
// (subpixel), together all of the network's multiply-adds but those of
// the attention and the head. The rest stays float32:
//   - the 7x7 spatial-attention convolution (2 input channels at 28x28),
//     its sigmoid gate and the Mul, which scale every bridge activation:
//     cheap and sensitive;
//   - the 1x1 head and the sigmoid: the logit decides the mask at 0, so a
//     quantization step there moves boundary pixels for no speed gained;
//   - Concat, ReduceMean/ReduceMax: data movement or tiny, with
//     quantized inputs and outputs where ONNX Runtime can use them.
func quantizable(n *Node) bool {
	if n.OpType != "Conv" {
		return false
	}
	k := intsAttr(n, "kernel_shape")
	return slices.Equal(k, []int64{3, 3}) || slices.Equal(k, []int64{2, 2})
}

// intsAttr returns n's INTS attribute name, or nil.
func intsAttr(n *Node, name string) []int64 {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.Ints
		}
	}
	return nil
}

// qparams are a tensor's per-tensor uint8 quantization parameters.
type qparams struct {
	scale float32
	zero  uint8
}

// inputParams quantizes the graph input exactly: preprocessing ("unit")
// makes it k/255 for gray level k, so scale 1/255 with zero point 0 loses
// nothing.
var inputParams = qparams{scale: 1.0 / 255, zero: 0}

// rangeParams returns uint8 parameters covering [lo, hi], widened to hold
// 0 (so zero padding and ReLU's zeros are exact, as ONNX Runtime's
// quantizer does too).
func rangeParams(lo, hi float32) qparams {
	lo, hi = min(lo, 0), max(hi, 0)
	if hi-lo < 1e-6 { // a tensor that is always 0: any positive scale is exact
		hi = lo + 1e-6
	}
	s := (hi - lo) / 255
	z := math.RoundToEven(float64(-lo / s))
	return qparams{scale: s, zero: uint8(min(max(z, 0), 255))}
}

// CalibrationPoints returns the value names of the fp32 model m (from
// Build) whose ranges Quantize needs, in graph order: the activations
// that enter or leave an int8 operator. Their PointNames, the keys of
// Calibration.Ranges, are unique.
func CalibrationPoints(m *Model) ([]string, error) {
	g, err := subpixel(m.Graph)
	if err != nil {
		return nil, err
	}
	var out []string
	names := map[string]string{}
	for _, p := range plan(g) {
		if p.inherit != "" || p.name == InputName {
			continue
		}
		k := PointName(p.name)
		if other, dup := names[k]; dup {
			return nil, fmt.Errorf("calibration points %s and %s share the key %s", other, p.name, k)
		}
		names[k] = p.name
		out = append(out, p.name)
	}
	return out, nil
}

// point is one activation of the fp32 graph that gets a
// QuantizeLinear/DequantizeLinear pair.
type point struct {
	name    string
	after   int    // index of the node producing it; -1 for the graph input
	inherit string // a MaxPool or DepthToSpace output takes its input's parameters
}

// plan lists the quantized activations of g: the input of each int8
// operator, and its output (after the ReLU that follows it, which ONNX
// Runtime then drops, as a uint8 zero point of 0 already clips at 0), and
// the output of each MaxPool or DepthToSpace over a quantized value, with
// the same parameters.
func plan(g *Graph) []point {
	producer := map[string]int{}
	consumers := map[string][]int{}
	for i, n := range g.Node {
		for _, o := range n.Output {
			producer[o] = i
		}
		for _, in := range n.Input {
			consumers[in] = append(consumers[in], i)
		}
	}
	at := func(v string) int {
		if i, ok := producer[v]; ok {
			return i
		}
		return -1
	}
	seen := map[string]int{} // index in pts
	var pts []point
	add := func(v string) {
		if _, ok := seen[v]; !ok {
			seen[v] = len(pts)
			pts = append(pts, point{name: v, after: at(v)})
		}
	}
	for _, n := range g.Node {
		if !quantizable(n) {
			continue
		}
		add(n.Input[0])
		out := n.Output[0]
		if c := consumers[out]; len(c) == 1 && g.Node[c[0]].OpType == "Relu" {
			out = g.Node[c[0]].Output[0]
		}
		add(out)
	}
	// A MaxPool or DepthToSpace over a quantized value takes its
	// parameters (its output range is within its input's), so that ONNX
	// Runtime runs it in uint8; graph order makes a chain inherit
	// transitively.
	for _, n := range g.Node {
		if _, ok := seen[n.Input[0]]; ok && (n.OpType == "MaxPool" || n.OpType == "DepthToSpace") {
			add(n.Output[0])
			pts[seen[n.Output[0]]].inherit = n.Input[0]
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].after < pts[j].after })
	return pts
}

// WithOutputs returns a copy of m whose graph also outputs the named
// values, as float32 [N,C,H,W] tensors: calibration runs it to see them.
func WithOutputs(m *Model, names []string) *Model {
	c := *m
	g := *m.Graph
	g.Output = slices.Clone(g.Output)
	for _, v := range names {
		g.Output = append(g.Output, &ValueInfo{Name: v, ElemType: Float,
			Shape: []Dim{{Param: "N"}, {Param: v + ".C"}, {Param: v + ".H"}, {Param: v + ".W"}}})
	}
	c.Graph = &g
	return &c
}

// Quantize rewrites the fp32 model m (from Build, not modified) into an
// int8 QDQ graph with the activation ranges of cal, which must have been
// measured on the same weights (the caller checks cal.WeightsSHA256).
// Input and output stay float32 [N,1,H,W], so any loader of the fp32 model
// runs it unchanged.
func Quantize(m *Model, cal *Calibration) (*Model, error) {
	if cal == nil {
		return nil, fmt.Errorf("quantize: no calibration (activation ranges) given")
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	if meta["precision"] == PrecisionInt8 {
		return nil, fmt.Errorf("quantize: the model is already int8")
	}
	if cal.Arch != meta["architecture"] || strconv.Itoa(cal.Base) != meta["base_channels"] {
		return nil, fmt.Errorf("quantize: calibration is for %s base %d, the model is %s base %s",
			cal.Arch, cal.Base, meta["architecture"], meta["base_channels"])
	}
	g, err := subpixel(m.Graph)
	if err != nil {
		return nil, fmt.Errorf("quantize: %w", err)
	}
	pts := plan(g)
	params := map[string]qparams{}
	for _, p := range pts {
		switch {
		case p.name == InputName:
			params[p.name] = inputParams
		case p.inherit != "":
			params[p.name] = params[p.inherit]
		default:
			r, ok := cal.Ranges[PointName(p.name)]
			if !ok {
				return nil, fmt.Errorf("quantize: calibration has no range for %s (made by another version of the exporter? regenerate it)", PointName(p.name))
			}
			params[p.name] = rangeParams(r[0], r[1])
		}
	}
	q := &qgraph{inits: map[string]*Tensor{}}
	for _, t := range g.Initializer {
		q.inits[t.Name] = t
	}
	// Every node keeps its place; the Q/DQ pair of a value follows its
	// producer, so the graph stays topologically sorted.
	pairsAfter := map[int][]point{}
	for _, p := range pts {
		pairsAfter[p.after] = append(pairsAfter[p.after], p)
	}
	quantized := map[string]qtensor{}
	emitQ := func(after int) {
		for _, p := range pairsAfter[after] {
			quantized[p.name] = q.quantize(p.name, params[p.name])
		}
	}
	emitQ(-1)
	for i, n := range g.Node {
		nn := *n
		nn.Input = slices.Clone(n.Input)
		for j, in := range nn.Input {
			if t, ok := quantized[in]; ok {
				nn.Input[j] = q.dequantize(t, n.Name)
			}
		}
		if quantizable(n) {
			if err := q.weights(&nn, params[n.Input[0]].scale); err != nil {
				return nil, fmt.Errorf("quantize %s: %w", n.Name, err)
			}
		}
		q.nodes = append(q.nodes, &nn)
		emitQ(i)
	}
	// Initializers: the float ones still read, then the new ones, in order.
	used := map[string]bool{}
	for _, n := range q.nodes {
		for _, in := range n.Input {
			used[in] = true
		}
	}
	var inits []*Tensor
	for _, t := range g.Initializer {
		if used[t.Name] {
			inits = append(inits, t)
		}
	}
	inits = append(inits, q.added...)
	out := *m
	out.Graph = &Graph{Name: g.Name, Node: q.nodes, Initializer: inits, Input: g.Input, Output: g.Output}
	out.MetadataProps = quantMetadata(meta, cal)
	return &out, nil
}

// qgraph accumulates the rewritten nodes and new initializers.
type qgraph struct {
	nodes []*Node
	inits map[string]*Tensor
	added []*Tensor
}

func (q *qgraph) init(t *Tensor) string {
	q.added = append(q.added, t)
	return t.Name
}

// qtensor is a quantized value and its parameters' initializers.
type qtensor struct{ q, scale, zero string }

// quantize appends the QuantizeLinear of value v with p.
func (q *qgraph) quantize(v string, p qparams) qtensor {
	t := qtensor{q: v + ".q",
		scale: q.init(floatTensor(v+".scale", nil, []float32{p.scale})),
		zero:  q.init(&Tensor{Name: v + ".zero", DataType: Uint8, RawData: []byte{p.zero}})}
	q.nodes = append(q.nodes, &Node{Name: t.q, OpType: "QuantizeLinear", Input: []string{v, t.scale, t.zero}, Output: []string{t.q}})
	return t
}

// dequantize appends a DequantizeLinear of t for the node named user and
// returns its output. Each user gets its own: ONNX Runtime fuses a
// DequantizeLinear into an int8 operator (or drops the pair around a
// MaxPool) only when that operator is its sole consumer.
func (q *qgraph) dequantize(t qtensor, user string) string {
	out := t.q + ".dq." + user
	q.nodes = append(q.nodes, &Node{Name: out, OpType: "DequantizeLinear", Input: []string{t.q, t.scale, t.zero}, Output: []string{out}})
	return out
}

// weights replaces n's float weight (input 1) by int8 values with one
// symmetric scale per output channel, and its bias (input 2) by int32
// values in units of inScale times the channel's weight scale, the layout
// ONNX Runtime's QDQ fusion needs to turn the node into QLinearConv. Each
// gets a DequantizeLinear.
func (q *qgraph) weights(n *Node, inScale float32) error {
	wt, ok := q.inits[n.Input[1]]
	if !ok || wt.DataType != Float || len(wt.Dims) != 4 {
		return fmt.Errorf("weight %s is not a float32 4-D initializer", n.Input[1])
	}
	w := floats(wt.RawData)
	cout := int(wt.Dims[0]) // Conv: [cout, cin, kh, kw]
	chanOf := func(i int) int { return i / (len(w) / cout) }
	amax := make([]float64, cout)
	for i, v := range w {
		c := chanOf(i)
		amax[c] = max(amax[c], math.Abs(float64(v)))
	}
	scales := make([]float32, cout)
	for c, a := range amax {
		scales[c] = float32(a / 127)
		if scales[c] == 0 {
			scales[c] = 1 // an all-zero channel: every value is 0 at any scale
		}
	}
	qw := make([]byte, len(w))
	for i, v := range w {
		r := math.RoundToEven(float64(v) / float64(scales[chanOf(i)]))
		qw[i] = byte(int8(min(max(r, -127), 127)))
	}
	name := n.Input[1]
	wq := q.init(&Tensor{Name: name + ".int8", Dims: wt.Dims, DataType: Int8, RawData: qw})
	ws := q.init(floatTensor(name+".scale", []int64{int64(cout)}, scales))
	wz := q.init(&Tensor{Name: name + ".zero", Dims: []int64{int64(cout)}, DataType: Int8, RawData: make([]byte, cout)})
	q.nodes = append(q.nodes, &Node{Name: name + ".dq", OpType: "DequantizeLinear", Input: []string{wq, ws, wz},
		Output: []string{name + ".dq"}, Attribute: []*Attribute{intAttr("axis", 0)}})
	n.Input[1] = name + ".dq"
	if len(n.Input) < 3 || n.Input[2] == "" {
		return nil
	}
	bt, ok := q.inits[n.Input[2]]
	if !ok || bt.DataType != Float || len(bt.Dims) != 1 || int(bt.Dims[0]) != cout {
		return fmt.Errorf("bias %s is not a float32 [%d] initializer", n.Input[2], cout)
	}
	b := floats(bt.RawData)
	bs := make([]float32, cout)
	qb := make([]byte, 4*cout)
	for c := range b {
		bs[c] = inScale * scales[c]
		r := math.RoundToEven(float64(b[c]) / float64(bs[c]))
		binary.LittleEndian.PutUint32(qb[4*c:], uint32(int32(min(max(r, math.MinInt32), math.MaxInt32))))
	}
	name = n.Input[2]
	bq := q.init(&Tensor{Name: name + ".int32", Dims: bt.Dims, DataType: Int32, RawData: qb})
	bsc := q.init(floatTensor(name+".scale", bt.Dims, bs))
	bz := q.init(&Tensor{Name: name + ".zero", Dims: bt.Dims, DataType: Int32, RawData: make([]byte, 4*cout)})
	q.nodes = append(q.nodes, &Node{Name: name + ".dq", OpType: "DequantizeLinear", Input: []string{bq, bsc, bz},
		Output: []string{name + ".dq"}, Attribute: []*Attribute{intAttr("axis", 0)}})
	n.Input[2] = name + ".dq"
	return nil
}

// quantMetadata is the fp32 model's metadata plus the quantization's
// description and provenance, sorted by key.
func quantMetadata(meta map[string]string, cal *Calibration) []StringStringEntry {
	m := map[string]string{}
	for k, v := range meta {
		m[k] = v
	}
	m["precision"] = PrecisionInt8
	m["quantization"] = QuantScheme
	m["calibration_method"] = cal.Method
	m["calibration_images"] = strconv.Itoa(cal.Images)
	m["calibration_source"] = cal.Source
	m["calibration_weights_sha256"] = cal.WeightsSHA256
	return sortedProps(m)
}

// floatTensor is a float32 initializer; nil dims make a scalar.
func floatTensor(name string, dims []int64, v []float32) *Tensor {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	return &Tensor{Name: name, Dims: dims, DataType: Float, RawData: raw}
}

// floats decodes little-endian float32 raw data.
func floats(raw []byte) []float32 {
	v := make([]float32, len(raw)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return v
}
