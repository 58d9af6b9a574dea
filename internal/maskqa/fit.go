package maskqa

import (
	"fmt"
	"math"
	"slices"
)

// Fit returns the least-squares Estimator predicting dice from the Terms of
// rows, with a small ridge penalty (not on the intercept) that keeps the
// solution stable when terms are nearly collinear. Rows whose terms are not
// all finite are skipped.
func Fit(rows []Result, dice []float64, ridge float64) (Estimator, error) {
	if len(rows) != len(dice) {
		return Estimator{}, fmt.Errorf("maskqa: %d results for %d Dice values", len(rows), len(dice))
	}
	k := len(termNames)
	// Normal equations A c = b, A = X'X + ridge*I', b = X'y.
	a := make([]float64, k*k)
	b := make([]float64, k)
	n := 0
	for i, r := range rows {
		x := Terms(r)
		if !finite(x) || math.IsNaN(dice[i]) {
			continue
		}
		n++
		for p := range k {
			b[p] += x[p] * dice[i]
			for q := range k {
				a[p*k+q] += x[p] * x[q]
			}
		}
	}
	if n < 2*k {
		return Estimator{}, fmt.Errorf("maskqa: %d usable rows for %d terms", n, k)
	}
	for p := 1; p < k; p++ {
		a[p*k+p] += ridge * float64(n)
	}
	c, err := solve(a, b, k)
	if err != nil {
		return Estimator{}, err
	}
	return Estimator{Coef: c}, nil
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// solve solves the k x k system a x = b by Gaussian elimination with
// partial pivoting (a and b are overwritten).
func solve(a, b []float64, k int) ([]float64, error) {
	for col := range k {
		piv := col
		for r := col + 1; r < k; r++ {
			if math.Abs(a[r*k+col]) > math.Abs(a[piv*k+col]) {
				piv = r
			}
		}
		if math.Abs(a[piv*k+col]) < 1e-12 {
			return nil, fmt.Errorf("maskqa: singular system at term %s", termNames[col])
		}
		if piv != col {
			for c := range k {
				a[col*k+c], a[piv*k+c] = a[piv*k+c], a[col*k+c]
			}
			b[col], b[piv] = b[piv], b[col]
		}
		for r := col + 1; r < k; r++ {
			f := a[r*k+col] / a[col*k+col]
			for c := col; c < k; c++ {
				a[r*k+c] -= f * a[col*k+c]
			}
			b[r] -= f * b[col]
		}
	}
	x := make([]float64, k)
	for r := k - 1; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < k; c++ {
			s -= a[r*k+c] * x[c]
		}
		x[r] = s / a[r*k+r]
	}
	return x, nil
}

// Spearman returns the rank correlation of x and y (average ranks for
// ties); NaN for fewer than two pairs.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN()
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ranks returns 1-based ranks, ties sharing their average rank.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// FlagRates returns, for masks flagged when est < threshold, the share of
// bad masks (true Dice < bad) that are flagged and the share of good masks
// (true Dice >= good) that are flagged, with the counts of each.
func FlagRates(est, dice []float64, threshold, bad, good float64) (badFlagged, goodFlagged float64, nBad, nGood int) {
	var fb, fg int
	for i, d := range dice {
		fl := est[i] < threshold
		if d < bad {
			nBad++
			if fl {
				fb++
			}
		}
		if d >= good {
			nGood++
			if fl {
				fg++
			}
		}
	}
	return float64(fb) / float64(max(nBad, 1)), float64(fg) / float64(max(nGood, 1)), nBad, nGood
}
