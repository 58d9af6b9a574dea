package maskqa

import "math"

// Features are the per-mask inputs of the quality estimate, all computed
// from the network's probabilities p at model resolution and the cleaned
// mask M, at no extra inference cost.
type Features struct {
	// Uncertain is the number of pixels with 0.1 < p < 0.9 over |M|: the
	// width of the band where the network hesitates, relative to the lung.
	Uncertain float64
	// SoftDice is 2*sum_M(p) / (sum(p) + |M|): how well the final mask
	// agrees with the probability map.
	SoftDice float64
	// CleanChange is |raw XOR M| / |M|, raw = p > 0.5: how much the
	// clean-up had to change.
	CleanChange float64
}

// Estimator maps a mask's measures to an estimated Dice against an
// expert's mask: a linear model on the terms of Terms, clamped to [0, 1].
type Estimator struct {
	// Coef holds one coefficient per term of Terms, intercept first.
	Coef []float64
}

// TermNames names the terms of Terms, in order.
var termNames = []string{"1", "uncertain", "1-soft_dice", "clean_change", "1-mean_prob", "area_dev", "lr_dev"}

// TermNames returns the names of the estimator's terms, in order.
func TermNames() []string { return append([]string(nil), termNames...) }

// Terms returns the regressor terms of r (NaN when r has no features).
func Terms(r Result) []float64 {
	lr := math.Log(max(r.LRRatio, 1e-3))
	if math.IsNaN(r.LRRatio) {
		lr = math.Log(1e-3)
	}
	return []float64{1, r.Features.Uncertain, 1 - r.Features.SoftDice, r.Features.CleanChange,
		1 - r.MeanProb, math.Abs(r.FGFraction - 0.27), math.Abs(lr - 0.3)}
}

// Estimate returns the estimated Dice of r, NaN when r lacks features or
// e has no coefficients.
func (e Estimator) Estimate(r Result) float64 {
	x := Terms(r)
	if len(e.Coef) != len(x) {
		return math.NaN()
	}
	var s float64
	for i, c := range e.Coef {
		s += c * x[i]
	}
	if math.IsNaN(s) {
		return math.NaN()
	}
	return min(max(s, 0), 1)
}

// DefaultEstimator returns the estimator fitted for the default model.
func DefaultEstimator() Estimator {
	return Estimator{Coef: []float64{0.9891, -0.2593, -0.0085, 0.1078, -0.0273, -0.0494, -0.0211}}
}
