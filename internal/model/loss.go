package model

import (
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/nn"
)

// lossSums are one image's contributions to the loss.
type lossSums struct{ bce, inter, sumP, sumY float64 }

// bceDice computes ref_saunet.py's training loss on n images of hw logits:
//
//	BCE-with-logits (mean over pixels) + 1 - (2*sum(p*y)+1)/(sum(p)+sum(y)+1)
//
// with p = sigmoid(logit) and the Dice sums over the whole batch. Optional
// per-image weights (nil means all 1) weight each image's pixels in both
// terms. BCE uses max(z,0) - z*y + log1p(exp(-|z|)), exact for any logit.
// A negative target marks a pixel of unknown class (a partial label): it
// adds nothing to either term and gets no gradient (the BCE mean still
// divides by all pixels, so an image's weight does not grow as its labels
// shrink).
// Per-image sums reduce in a fixed order, so results do not depend on the
// thread count's scheduling. Its parallel jobs are built once: computing
// allocates nothing.
type bceDice struct {
	parts []lossSums
	// per call
	logits, y, w, grad []float32
	hw                 int
	wsum, inter, den   float64
	sums, grads        func(w, lo, hi int)
}

// newBCEDice prepares the loss for batches of up to batch images.
func newBCEDice(batch int) *bceDice {
	l := &bceDice{parts: make([]lossSums, batch)}
	l.sums, l.grads = l.sumRange, l.gradRange
	return l
}

// weight returns image i's loss weight.
func (l *bceDice) weight(i int) float64 {
	if l.w == nil {
		return 1
	}
	return float64(l.w[i])
}

// compute returns the loss of n images and writes dLoss/dLogit into grad.
func (l *bceDice) compute(e *nn.Engine, logits, y, w []float32, n, hw int, grad []float32) (float64, error) {
	l.logits, l.y, l.w, l.grad, l.hw = logits, y, w, grad, hw
	defer func() { l.logits, l.y, l.w, l.grad = nil, nil, nil, nil }()
	l.wsum = 0
	for i := 0; i < n; i++ {
		wi := l.weight(i)
		if wi < 0 || math.IsNaN(wi) || math.IsInf(wi, 0) {
			return 0, fmt.Errorf("model: loss weight %v of image %d is not a finite non-negative number", wi, i)
		}
		l.wsum += wi
	}
	if l.wsum == 0 {
		return 0, fmt.Errorf("model: all %d loss weights are zero", n)
	}
	e.For(n, l.sums)
	var bce, sum float64
	l.inter = 0
	for i := 0; i < n; i++ {
		wi := l.weight(i)
		bce += wi * l.parts[i].bce
		l.inter += wi * l.parts[i].inter
		sum += wi * (l.parts[i].sumP + l.parts[i].sumY)
	}
	bce /= l.wsum * float64(hw)
	l.den = sum + 1
	dice := (2*l.inter + 1) / l.den
	e.For(n, l.grads)
	return bce + 1 - dice, nil
}

func (l *bceDice) sumRange(_, lo, hi int) {
	hw := l.hw
	for i := lo; i < hi; i++ {
		var s lossSums
		zs, ys := l.logits[i*hw:(i+1)*hw], l.y[i*hw:(i+1)*hw]
		for j, z := range zs {
			if ys[j] < 0 {
				continue
			}
			zf, yf := float64(z), float64(ys[j])
			s.bce += math.Max(zf, 0) - zf*yf + math.Log1p(math.Exp(-math.Abs(zf)))
			p := float64(nn.Sigmoid(z))
			s.inter += p * yf
			s.sumP += p
			s.sumY += yf
		}
		l.parts[i] = s
	}
}

func (l *bceDice) gradRange(_, lo, hi int) {
	hw := l.hw
	for i := lo; i < hi; i++ {
		wi := l.weight(i)
		kb := wi / (l.wsum * float64(hw))
		// d(1-dice)/dp = -(2*w*y*den - (2I+1)*w)/den^2
		kd1 := -2 * wi / l.den
		kd0 := wi * (2*l.inter + 1) / (l.den * l.den)
		zs, ys, gs := l.logits[i*hw:(i+1)*hw], l.y[i*hw:(i+1)*hw], l.grad[i*hw:(i+1)*hw]
		for j, z := range zs {
			if ys[j] < 0 {
				gs[j] = 0
				continue
			}
			p := float64(nn.Sigmoid(z))
			yf := float64(ys[j])
			dp := kd1*yf + kd0
			gs[j] = float32(kb*(p-yf) + dp*p*(1-p))
		}
	}
}
