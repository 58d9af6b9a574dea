package maskqa

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitRecoversCoefficients fits data generated from known coefficients.
func TestFitRecoversCoefficients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := []float64{0.98, -0.3, -0.1, 0.05, -0.2, -0.15, -0.02}
	var rows []Result
	var dice []float64
	for range 400 {
		r := Result{MeanProb: 0.9 + 0.1*rng.Float64(), FGFraction: 0.2 + 0.2*rng.Float64(), LRRatio: 0.8 + 0.6*rng.Float64(),
			Features: Features{Uncertain: 0.2 * rng.Float64(), SoftDice: 0.9 + 0.1*rng.Float64(), CleanChange: 0.05 * rng.Float64()}}
		x := Terms(r)
		var y float64
		for i, c := range want {
			y += c * x[i]
		}
		rows = append(rows, r)
		dice = append(dice, y)
	}
	e, err := Fit(rows, dice, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range want {
		if math.Abs(e.Coef[i]-c) > 1e-6 {
			t.Errorf("coef %s = %v, want %v", termNames[i], e.Coef[i], c)
		}
	}
	if _, err := Fit(rows[:5], dice[:5], 0); err == nil {
		t.Error("fit on 5 rows accepted")
	}
}

func TestSpearmanAndRates(t *testing.T) {
	if s := Spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(s-1) > 1e-12 {
		t.Errorf("monotone: %v", s)
	}
	if s := Spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(s+1) > 1e-12 {
		t.Errorf("reversed: %v", s)
	}
	// Ties share ranks: x ranks 1.5 1.5 3, y ranks 1 2 3.
	if s := Spearman([]float64{1, 1, 2}, []float64{1, 2, 3}); math.Abs(s-math.Sqrt(0.75)) > 1e-12 {
		t.Errorf("ties: %v", s)
	}
	b, g, nb, ng := FlagRates([]float64{0.8, 0.85, 0.97, 0.99, 0.92}, []float64{0.85, 0.88, 0.96, 0.97, 0.96}, 0.9, 0.9, 0.95)
	if nb != 2 || ng != 3 || b != 1 || math.Abs(g-0) > 1e-12 {
		t.Errorf("rates %v %v %d %d", b, g, nb, ng)
	}
}
