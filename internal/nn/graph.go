package nn

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// layer is one op instance in a Graph.
type layer interface {
	base() *layerBase
	// alloc allocates the layer's own state (masks, indices) once, at Plan.
	alloc(g *Graph)
	forward(g *Graph)
	// backward reads out.Grad and writes (or, where acc[i], adds to)
	// in[i].Grad, and adds parameter gradients to the worker buffers.
	backward(g *Graph)
}

// layerBase holds what the planner needs to know about a layer.
type layerBase struct {
	in      []*Tensor
	out     *Tensor
	acc     []bool // backward adds to in[i].Grad instead of overwriting it
	inplace bool   // out shares in[0]'s data (and gradient)
	colSize int    // per-worker column scratch (floats) the layer needs
	id      uint64 // position in the graph, keys the layer's random stream
	jobs    [8]job // parallel bodies, built on first use (see cached)
}

func (b *layerBase) base() *layerBase { return b }

// Graph is a static network of ops with planned buffers. Build it with the
// op methods (Input, Conv, ConvT, BatchNorm, MaxPool2, ...), call Plan once,
// then Forward (and, for training graphs, Backward) any number of times
// without allocating.
type Graph struct {
	e      *Engine
	params *Store
	train  bool
	maxN   int
	n      int
	layers []layer
	inputs []*Tensor
	outs   []*Tensor
	all    []*Tensor

	grads   [][]float32 // per worker, indexed like params.Data
	cols    [][]float32 // per worker im2col scratch
	planned bool
	errs    []error
	reduce  job // sums the workers' parameter gradients

	// Profile, when set, accumulates the wall time of every layer's
	// forward and backward pass (see ProfileReport).
	Profile bool
	fwdT    []time.Duration
	bwdT    []time.Duration

	// im2colOnly makes the convolutions and transposed convolutions
	// added afterwards run on sgemm (im2col, col2im) even where the
	// direct kernels run: tests compare the two.
	im2colOnly bool

	// Seed and Step key the random streams of DropBlock and dropout:
	// every mask is a pure function of (Seed, Step, layer, element index).
	Seed, Step uint64
}

// NewGraph starts a graph over the parameters in params for batches of up
// to maxBatch images. A training graph keeps every activation for the
// backward pass and plans gradient buffers; an inference graph reuses
// activation buffers as soon as their last reader has run.
func NewGraph(e *Engine, params *Store, maxBatch int, train bool) *Graph {
	return &Graph{e: e, params: params, train: train, maxN: max(maxBatch, 1), n: max(maxBatch, 1)}
}

// Training reports whether the graph was built for training.
func (g *Graph) Training() bool { return g.train }

// Engine returns the engine the graph runs on.
func (g *Graph) Engine() *Engine { return g.e }

// Batch returns the current batch size.
func (g *Graph) Batch() int { return g.n }

// SetBatch sets the number of images the next Forward processes (1 to the
// planned maximum).
func (g *Graph) SetBatch(n int) error {
	if n < 1 || n > g.maxN {
		return fmt.Errorf("nn: batch %d outside 1..%d", n, g.maxN)
	}
	g.n = n
	return nil
}

func (g *Graph) fail(format string, a ...any) {
	g.errs = append(g.errs, fmt.Errorf("nn: "+format, a...))
}

func (g *Graph) newTensor(c, h, w int) *Tensor {
	t := &Tensor{N: g.maxN, C: c, H: h, W: w}
	g.all = append(g.all, t)
	return t
}

func (g *Graph) add(l layer, out *Tensor, in ...*Tensor) *Tensor {
	b := l.base()
	b.in, b.out, b.acc = in, out, make([]bool, len(in))
	b.id = uint64(len(g.layers))
	g.layers = append(g.layers, l)
	return out
}

// Input adds an input tensor of c x h x w per image. Inputs carry no
// gradient.
func (g *Graph) Input(c, h, w int) *Tensor {
	t := g.newTensor(c, h, w)
	t.noGrad = true
	g.inputs = append(g.inputs, t)
	return t
}

// Output marks t as a result: its data survives Forward (inference graphs
// reuse other buffers), and in a training graph its gradient is the seed of
// Backward.
func (g *Graph) Output(t *Tensor) { g.outs = append(g.outs, t) }

// Plan allocates every buffer. It reports the first construction error
// (shape mismatches and the like).
func (g *Graph) Plan() error {
	if len(g.errs) > 0 {
		return errors.Join(g.errs...)
	}
	if g.planned {
		return errors.New("nn: graph planned twice")
	}
	if len(g.outs) == 0 {
		return errors.New("nn: graph has no output")
	}
	readers := map[*Tensor]int{}
	for _, l := range g.layers {
		for _, t := range l.base().in {
			readers[t]++
		}
	}
	for _, l := range g.layers {
		if b := l.base(); b.inplace && readers[b.in[0]] > 1 {
			return errors.New("nn: an in-place op's input has other readers")
		}
	}
	g.planned = true
	colSize := 0
	for _, l := range g.layers {
		colSize = max(colSize, l.base().colSize)
	}
	g.cols = make([][]float32, g.e.threads)
	for w := range g.cols {
		g.cols[w] = make([]float32, colSize)
	}
	if g.train {
		g.planTrain()
	} else {
		g.planInfer()
	}
	for _, l := range g.layers {
		l.alloc(g)
	}
	return nil
}

// arena hands out float32 buffers for planning, reusing released ones
// (best fit) so that tensors whose lifetimes do not overlap share memory.
type arena struct{ free [][]float32 }

func (a *arena) get(n int) []float32 {
	best := -1
	for i, b := range a.free {
		if cap(b) >= n && (best < 0 || cap(b) < cap(a.free[best])) {
			best = i
		}
	}
	if best < 0 {
		return make([]float32, n)
	}
	b := a.free[best]
	a.free = append(a.free[:best], a.free[best+1:]...)
	return b[:n]
}

func (a *arena) put(b []float32) { a.free = append(a.free, b[:cap(b)]) }

// planTrain gives every activation its own buffer (the backward pass reads
// them all) and plans gradient buffers by liveness, walking the layers in
// backward order: a gradient lives from its last reader's backward to its
// producer's backward.
func (g *Graph) planTrain() {
	for _, t := range g.all {
		if t.Data == nil {
			t.Data = make([]float32, t.N*t.Per())
		}
	}
	for _, l := range g.layers {
		if b := l.base(); b.inplace {
			b.out.Data = b.in[0].Data
		}
	}
	g.grads = make([][]float32, g.e.threads)
	for w := range g.grads {
		g.grads[w] = make([]float32, len(g.params.Data))
	}
	var ar arena
	for _, t := range g.outs {
		t.Grad = make([]float32, t.N*t.Per())
	}
	isOut := func(t *Tensor) bool {
		for _, o := range g.outs {
			if o == t {
				return true
			}
		}
		return false
	}
	for li := len(g.layers) - 1; li >= 0; li-- {
		b := g.layers[li].base()
		if b.out.Grad == nil {
			// Nothing downstream reads this tensor: give it a zero
			// gradient so backward stays uniform.
			b.out.Grad = make([]float32, b.out.N*b.out.Per())
		}
		for i, t := range b.in {
			if t.noGrad {
				continue
			}
			if t.Grad != nil {
				b.acc[i] = true
				continue
			}
			if b.inplace {
				t.Grad = b.out.Grad
			} else {
				t.Grad = ar.get(t.N * t.Per())
			}
		}
		if !b.inplace && !isOut(b.out) {
			ar.put(b.out.Grad)
		}
	}
}

// planInfer shares activation buffers between tensors whose lifetimes do
// not overlap (in-place ops extend their input's lifetime).
func (g *Graph) planInfer() {
	root := map[*Tensor]*Tensor{}
	find := func(t *Tensor) *Tensor {
		for root[t] != nil {
			t = root[t]
		}
		return t
	}
	last := map[*Tensor]int{}
	for li, l := range g.layers {
		b := l.base()
		if b.inplace {
			root[b.out] = find(b.in[0])
		}
		for _, t := range b.in {
			last[find(t)] = li
		}
		last[find(b.out)] = max(last[find(b.out)], li)
	}
	keep := map[*Tensor]bool{}
	for _, t := range g.inputs {
		keep[find(t)] = true
		t.Data = make([]float32, t.N*t.Per())
	}
	for _, t := range g.outs {
		keep[find(t)] = true
	}
	var ar arena
	released := map[*Tensor]bool{}
	for li, l := range g.layers {
		b := l.base()
		if b.inplace {
			b.out.Data = find(b.out).Data
		} else if b.out.Data == nil {
			if keep[b.out] {
				b.out.Data = make([]float32, b.out.N*b.out.Per())
			} else {
				b.out.Data = ar.get(b.out.N * b.out.Per())
			}
		}
		release := func(t *Tensor) {
			r := find(t)
			if last[r] == li && !keep[r] && !released[r] && r.Data != nil {
				ar.put(r.Data)
				released[r] = true
			}
		}
		for _, t := range b.in {
			release(t)
		}
		release(b.out)
	}
}

// Forward runs every layer on the current batch.
func (g *Graph) Forward() {
	if g.Profile {
		g.timed(false)
		return
	}
	for _, l := range g.layers {
		l.forward(g)
	}
}

// timed runs the forward or backward pass with per-layer timing.
func (g *Graph) timed(backward bool) {
	if g.fwdT == nil {
		g.fwdT = make([]time.Duration, len(g.layers))
		g.bwdT = make([]time.Duration, len(g.layers))
	}
	if !backward {
		for i, l := range g.layers {
			t := time.Now()
			l.forward(g)
			g.fwdT[i] += time.Since(t)
		}
		return
	}
	for i := len(g.layers) - 1; i >= 0; i-- {
		t := time.Now()
		g.layers[i].backward(g)
		g.bwdT[i] += time.Since(t)
	}
}

// ProfileReport summarises the time spent per layer kind and per layer
// while Profile was set, largest first.
func (g *Graph) ProfileReport() string {
	if g.fwdT == nil {
		return "no profile"
	}
	type row struct {
		name     string
		fwd, bwd time.Duration
	}
	kinds := map[string]*row{}
	var rows []row
	var total time.Duration
	for i, l := range g.layers {
		b := l.base()
		k := strings.TrimSuffix(strings.TrimPrefix(reflect.TypeOf(l).Elem().Name(), ""), "Layer")
		r := kinds[k]
		if r == nil {
			r = &row{name: k}
			kinds[k] = r
		}
		r.fwd += g.fwdT[i]
		r.bwd += g.bwdT[i]
		total += g.fwdT[i] + g.bwdT[i]
		rows = append(rows, row{fmt.Sprintf("%d %s %dx%dx%d", i, k, b.out.C, b.out.H, b.out.W), g.fwdT[i], g.bwdT[i]})
	}
	var ks []row
	for _, r := range kinds {
		ks = append(ks, *r)
	}
	by := func(rs []row) {
		sort.Slice(rs, func(i, j int) bool { return rs[i].fwd+rs[i].bwd > rs[j].fwd+rs[j].bwd })
	}
	by(ks)
	by(rows)
	var sb strings.Builder
	fmt.Fprintf(&sb, "total %v\n", total)
	for _, r := range ks {
		fmt.Fprintf(&sb, "  %-12s fwd %10v bwd %10v\n", r.name, r.fwd, r.bwd)
	}
	for _, r := range rows[:min(len(rows), 20)] {
		fmt.Fprintf(&sb, "  %-28s fwd %10v bwd %10v\n", r.name, r.fwd, r.bwd)
	}
	return sb.String()
}

// Backward runs the backward pass of a training graph. The caller first
// fills the Grad of each Output for the current batch. Afterwards
// ParamGrads holds the gradient of every parameter.
func (g *Graph) Backward() {
	for _, gw := range g.grads {
		clear(gw)
	}
	if g.Profile {
		g.timed(true)
	} else {
		for li := len(g.layers) - 1; li >= 0; li-- {
			g.layers[li].backward(g)
		}
	}
	if len(g.grads) > 1 {
		if g.reduce == nil {
			g.reduce = func(_, lo, hi int) {
				dst := g.grads[0][lo:hi]
				for _, gw := range g.grads[1:] {
					for j, v := range gw[lo:hi] {
						dst[j] += v
					}
				}
			}
		}
		g.e.For(len(g.grads[0]), g.reduce)
	}
}

// ParamGrads returns the parameter gradients of the last Backward, indexed
// like the parameter Store's Data.
func (g *Graph) ParamGrads() []float32 { return g.grads[0] }

// pgrad returns worker w's gradient buffer for parameter p.
func (g *Graph) pgrad(w int, p *Param) []float32 {
	return g.grads[w][p.Off : p.Off+len(p.Data)]
}

// job is a share of parallel work: indices [lo, hi) on worker w.
type job = func(w, lo, hi int)

// cached returns the layer's job in slot k, building it with mk on first
// use. Job bodies are closures over the layer's fixed tensors (never over
// per-call values such as the batch size, which they read from the
// graph), built once so that Forward and Backward allocate nothing.
func (b *layerBase) cached(k int, mk func() job) job {
	if b.jobs[k] == nil {
		b.jobs[k] = mk()
	}
	return b.jobs[k]
}

// images turns a per-image body into a job over image indices.
func images(fn func(w, i int)) job {
	return func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			fn(w, i)
		}
	}
}

// planes turns a per-(image, channel) body into a job over plane indices
// i*c + ch.
func planes(c int, fn func(w, i, ch int)) job {
	return func(w, lo, hi int) {
		for p := lo; p < hi; p++ {
			fn(w, p/c, p%c)
		}
	}
}

// MemoryBytes returns the bytes of activations, gradients and scratch the
// plan allocated (shared buffers counted once).
func (g *Graph) MemoryBytes() int64 {
	seen := map[*float32]bool{}
	var n int64
	count := func(s []float32) {
		if cap(s) == 0 {
			return
		}
		p := &s[:1][0]
		if !seen[p] {
			seen[p] = true
			n += int64(cap(s)) * 4
		}
	}
	for _, t := range g.all {
		count(t.Data)
		count(t.Grad)
	}
	for _, s := range g.cols {
		count(s)
	}
	for _, s := range g.grads {
		count(s)
	}
	return n
}
