package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLossPartialLabels checks the partial-label rule of bceDice: pixels
// with a negative target change neither the loss nor get a gradient, and
// the gradient of the labelled pixels matches finite differences.
func TestLossPartialLabels(t *testing.T) {
	const n, hw = 2, 64
	e := newEngine(t, 2)
	rng := rand.New(rand.NewPCG(7, 7))
	z, y := make([]float32, n*hw), make([]float32, n*hw)
	ignored := 0
	for i := range z {
		z[i] = float32(rng.NormFloat64() * 2)
		switch rng.IntN(3) {
		case 0:
			y[i] = 1
		case 1:
			y[i] = -1
			ignored++
		}
	}
	if ignored == 0 {
		t.Fatal("no ignored pixel drawn")
	}
	lf := newBCEDice(n)
	grad := make([]float32, n*hw)
	w := []float32{1, 0.5}
	loss := func() float64 {
		l, err := lf.compute(e, z, y, w, n, hw, grad)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	base := loss()
	for i := range z {
		if y[i] >= 0 {
			continue
		}
		if grad[i] != 0 {
			t.Fatalf("ignored pixel %d has gradient %v", i, grad[i])
		}
		old := z[i]
		z[i] = old + 5
		if l := loss(); l != base {
			t.Fatalf("moving ignored pixel %d's logit changed the loss %v -> %v", i, base, l)
		}
		z[i] = old
	}
	loss()
	want := append([]float32(nil), grad...)
	for k := 0; k < 20; k++ {
		i := rng.IntN(len(z))
		if y[i] < 0 {
			continue
		}
		const eps = 1e-3
		old := z[i]
		z[i] = old + eps
		lp := loss()
		z[i] = old - eps
		lm := loss()
		z[i] = old
		num := (lp - lm) / (2 * eps)
		if math.Abs(num-float64(want[i])) > 1e-4+1e-2*math.Abs(num) {
			t.Errorf("pixel %d: gradient %v, finite difference %v", i, want[i], num)
		}
	}
}
