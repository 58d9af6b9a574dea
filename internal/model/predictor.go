package model

import (
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/nn"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// Predictor is a segment.Backend.
var _ segment.Backend = (*Predictor)(nil)

// Predictor runs a model in inference mode: batch norm uses the running
// statistics, folded into the preceding convolution, and DropBlock is off.
// It implements segment.Backend. Buffers are planned once for batches of up
// to MaxBatch images of Size x Size; Predict allocates nothing.
type Predictor struct {
	m       *Model
	e       *nn.Engine
	ownE    bool
	weights *nn.Store
	g       *nn.Graph
	in, out *nn.Tensor
	batch   int
	size    int
	probs   []float32           // per call, read by sigmoid
	sigmoid func(w, lo, hi int) // built once
}

// NewPredictor returns a predictor for m on batches of up to batch images
// of size x size, with threads workers (0: one per CPU) and the best
// available sgemm (OpenBLAS when it loads, pure Go otherwise).
func NewPredictor(m *Model, batch, size, threads int) (*Predictor, error) {
	gm, err := nn.NewGemm("auto")
	if err != nil {
		return nil, err
	}
	e := nn.NewEngine(gm, threads)
	p, err := NewPredictorEngine(m, e, batch, size)
	if err != nil {
		e.Close()
		return nil, err
	}
	p.ownE = true
	return p, nil
}

// NewPredictorEngine is NewPredictor on an existing engine, which the
// caller keeps ownership of.
func NewPredictorEngine(m *Model, e *nn.Engine, batch, size int) (*Predictor, error) {
	if batch < 1 {
		return nil, fmt.Errorf("model: predictor batch %d", batch)
	}
	weights, err := nn.NewStore(storeNames(m.Params), storeShapes(m.Params))
	if err != nil {
		return nil, err
	}
	p := &Predictor{m: m, e: e, weights: weights, batch: batch, size: size}
	p.sigmoid = func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			p.probs[j] = nn.Sigmoid(p.probs[j])
		}
	}
	p.Refresh()
	if p.g, p.in, p.out, err = m.graph(e, inferMode, weights, batch, size); err != nil {
		return nil, err
	}
	return p, nil
}

// Refresh re-reads the model's weights and running statistics (after
// training steps) and folds them again.
func (p *Predictor) Refresh() { p.m.foldInto(p.weights) }

// foldInto copies the parameters into dst (same layout) and folds each
// unit's batch norm into its conv: w' = w*s, b' = (b-mean)*s + beta with
// s = gamma/sqrt(var+1e-5).
func (m *Model) foldInto(dst *nn.Store) {
	copy(dst.Data, m.Params.Data)
	for _, u := range m.units {
		w, b := dst.Get(u.conv+".weight"), dst.Get(u.conv+".bias")
		gamma, beta := m.Params.Get(u.bn+".weight"), m.Params.Get(u.bn+".bias")
		mean, vr := m.Buffers.Get(u.bn+".running_mean"), m.Buffers.Get(u.bn+".running_var")
		per := len(w.Data) / len(b.Data)
		for o := range b.Data {
			s := float64(gamma.Data[o]) / math.Sqrt(float64(vr.Data[o])+1e-5)
			row := w.Data[o*per : (o+1)*per]
			for j, v := range row {
				row[j] = float32(float64(v) * s)
			}
			b.Data[o] = float32((float64(b.Data[o])-float64(mean.Data[o]))*s + float64(beta.Data[o]))
		}
	}
}

// Name implements segment.Backend.
func (p *Predictor) Name() string {
	return fmt.Sprintf("%s %s base %d; %s", "native", p.m.cfg.Arch, p.m.cfg.Base, p.e.Describe())
}

// MaxBatch implements segment.Backend.
func (p *Predictor) MaxBatch() int { return p.batch }

// Size returns the input side.
func (p *Predictor) Size() int { return p.size }

// Predict implements segment.Backend: n images of Size*Size preprocessed
// values in, n*Size*Size probabilities out.
func (p *Predictor) Predict(in []float32, n int, probs []float32) error {
	if err := p.Logits(in, n, probs); err != nil {
		return err
	}
	p.probs = probs
	p.e.For(n*p.size*p.size, p.sigmoid)
	p.probs = nil
	return nil
}

// Logits is Predict without the final sigmoid.
func (p *Predictor) Logits(in []float32, n int, out []float32) error {
	px := p.size * p.size
	if n < 1 || n > p.batch {
		return fmt.Errorf("model: predict batch %d outside 1..%d", n, p.batch)
	}
	if len(in) < n*px || len(out) < n*px {
		return fmt.Errorf("model: predict %d images of %dx%d needs %d values, got %d in and %d out", n, p.size, p.size, n*px, len(in), len(out))
	}
	if err := p.g.SetBatch(n); err != nil {
		return err
	}
	copy(p.in.Data, in[:n*px])
	p.g.Forward()
	copy(out[:n*px], p.out.Data[:n*px])
	return nil
}

// Close implements segment.Backend. It stops the predictor's own engine.
func (p *Predictor) Close() error {
	if p.ownE {
		p.e.Close()
	}
	return nil
}

func storeNames(s *nn.Store) []string {
	out := make([]string, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Name
	}
	return out
}

func storeShapes(s *nn.Store) [][]int {
	out := make([][]int, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Shape
	}
	return out
}
