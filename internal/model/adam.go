package model

import (
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/nn"
)

// AdamConfig is torch.optim.Adam's configuration (L2 weight decay added to
// the gradient, not decoupled).
type AdamConfig struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
}

// DefaultAdam returns the CXLSeg recipe: lr 5e-5, betas (0.9, 0.999),
// eps 1e-8, no weight decay.
func DefaultAdam() AdamConfig {
	return AdamConfig{LR: 5e-5, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

func (c AdamConfig) validate() error {
	switch {
	case !(c.LR >= 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("model: Adam lr %v", c.LR)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("model: Adam betas (%v, %v) outside [0, 1)", c.Beta1, c.Beta2)
	case !(c.Eps > 0):
		return fmt.Errorf("model: Adam eps %v must be positive", c.Eps)
	case !(c.WeightDecay >= 0):
		return fmt.Errorf("model: Adam weight decay %v", c.WeightDecay)
	}
	return nil
}

// adam applies Adam updates; its parallel job is built once, so a step
// allocates nothing.
type adam struct {
	p, g, m, v             []float32
	step, b1, b2, ib2, eps float32
	wd                     float32
	job                    func(w, lo, hi int)
}

func newAdam(p, g, m, v []float32) *adam {
	a := &adam{p: p, g: g, m: m, v: v}
	a.job = a.run
	return a
}

// update applies step t (counted from 1) with configuration c, exactly as
// torch.optim.Adam:
//
//	g += wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2
//	p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
func (a *adam) update(e *nn.Engine, c AdamConfig, t int64) {
	bc1 := 1 - math.Pow(c.Beta1, float64(t))
	bc2 := math.Sqrt(1 - math.Pow(c.Beta2, float64(t)))
	a.step = float32(c.LR / bc1)
	a.b1, a.b2 = float32(c.Beta1), float32(c.Beta2)
	a.ib2, a.eps, a.wd = float32(1/bc2), float32(c.Eps), float32(c.WeightDecay)
	e.For(len(a.p), a.job)
}

func (a *adam) run(_, lo, hi int) {
	p, g, m, v := a.p, a.g, a.m, a.v
	b1, b2, ib2, eps, wd, step := a.b1, a.b2, a.ib2, a.eps, a.wd, a.step
	for i := lo; i < hi; i++ {
		gi := g[i]
		if wd != 0 {
			gi += wd * p[i]
		}
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		p[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))*ib2 + eps)
	}
}
