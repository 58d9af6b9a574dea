package model

import (
	"fmt"
	"math"

	"cxlseg/internal/nn"
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

// adamStep applies one Adam update (step t, counted from 1) to p with
// gradient g and moments m, v, exactly as torch.optim.Adam:
//
//	g += wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2
//	p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
func adamStep(e *nn.Engine, c AdamConfig, t int64, p, g, m, v []float32) {
	bc1 := 1 - math.Pow(c.Beta1, float64(t))
	bc2 := math.Sqrt(1 - math.Pow(c.Beta2, float64(t)))
	step := float32(c.LR / bc1)
	b1, b2 := float32(c.Beta1), float32(c.Beta2)
	ib2, eps, wd := float32(1/bc2), float32(c.Eps), float32(c.WeightDecay)
	e.For(len(p), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i]
			if wd != 0 {
				gi += wd * p[i]
			}
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))*ib2 + eps)
		}
	})
}
