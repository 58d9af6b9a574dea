package train

import (
	"fmt"
	"math"
	"time"
)

// lossFromProbs is BCE + (1 - soft Dice) computed from probabilities, as the
// training loss is from logits: BCE averaged over pixels, soft Dice over the
// whole batch with smoothing 1 (ref_saunet.py). Probabilities are clamped
// to [1e-7, 1-1e-7] so a confident mistake costs a finite amount. Used for
// the validate loss, where only eval-mode probabilities are available.
func lossFromProbs(p, y []float32) float64 {
	var bce, inter, sp, sy float64
	for i, pv := range p {
		q := min(max(float64(pv), 1e-7), 1-1e-7)
		t := float64(y[i])
		bce -= t*math.Log(q) + (1-t)*math.Log(1-q)
		inter += float64(pv) * t
		sp += float64(pv)
		sy += t
	}
	n := float64(len(p))
	return bce/n + 1 - (2*inter+1)/(sp+sy+1)
}

// diceAt is the per-image Dice of p > 0.5 against the 0/1 mask y, with the
// package metrics empty-mask convention.
func diceAt(p []float32, y []uint8) float64 {
	var tp, fp, fn int
	for i, pv := range p {
		pred, truth := pv > 0.5, y[i] != 0
		switch {
		case pred && truth:
			tp++
		case pred:
			fp++
		case truth:
			fn++
		}
	}
	if tp+fp+fn == 0 {
		return 1
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}

// short formats a duration as 1h02m, 3m05s or 12s.
func short(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
