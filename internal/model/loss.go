package model

import (
	"fmt"
	"math"

	"cxlseg/internal/nn"
)

// lossSums are one image's contributions to the loss.
type lossSums struct{ bce, inter, sumP, sumY float64 }

// bceDice computes ref_saunet.py's training loss on n images of hw logits:
//
//	BCE-with-logits (mean over pixels) + 1 - (2*sum(p*y)+1)/(sum(p)+sum(y)+1)
//
// with p = sigmoid(logit) and the Dice sums over the whole batch. Optional
// per-image weights w (nil means all 1) weight each image's pixels in both
// terms. It writes dLoss/dLogit into grad and returns the loss. BCE uses
// max(z,0) - z*y + log1p(exp(-|z|)), exact for any logit. parts receives
// per-image sums so that the reduction runs in a fixed order.
func bceDice(e *nn.Engine, logits, y, w []float32, n, hw int, grad []float32, parts []lossSums) (float64, error) {
	wsum := 0.0
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = float64(w[i])
		}
		if wi < 0 || math.IsNaN(wi) || math.IsInf(wi, 0) {
			return 0, fmt.Errorf("model: loss weight %v of image %d is not a finite non-negative number", wi, i)
		}
		wsum += wi
	}
	if wsum == 0 {
		return 0, fmt.Errorf("model: all %d loss weights are zero", n)
	}
	e.For(n, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			var s lossSums
			zs, ys := logits[i*hw:(i+1)*hw], y[i*hw:(i+1)*hw]
			for j, z := range zs {
				zf, yf := float64(z), float64(ys[j])
				s.bce += math.Max(zf, 0) - zf*yf + math.Log1p(math.Exp(-math.Abs(zf)))
				p := float64(nn.Sigmoid(z))
				s.inter += p * yf
				s.sumP += p
				s.sumY += yf
			}
			parts[i] = s
		}
	})
	var bce, inter, sum float64
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = float64(w[i])
		}
		bce += wi * parts[i].bce
		inter += wi * parts[i].inter
		sum += wi * (parts[i].sumP + parts[i].sumY)
	}
	bce /= wsum * float64(hw)
	den := sum + 1
	dice := (2*inter + 1) / den
	e.For(n, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			wi := 1.0
			if w != nil {
				wi = float64(w[i])
			}
			kb := wi / (wsum * float64(hw))
			// d(1-dice)/dp = -(2*w*y*den - (2I+1)*w)/den^2
			kd1 := -2 * wi / den
			kd0 := wi * (2*inter + 1) / (den * den)
			zs, ys, gs := logits[i*hw:(i+1)*hw], y[i*hw:(i+1)*hw], grad[i*hw:(i+1)*hw]
			for j, z := range zs {
				p := float64(nn.Sigmoid(z))
				yf := float64(ys[j])
				dp := kd1*yf + kd0
				gs[j] = float32(kb*(p-yf) + dp*p*(1-p))
			}
		}
	})
	return bce + 1 - dice, nil
}
