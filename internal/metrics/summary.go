package metrics

import (
	"math"
	"slices"
	"strconv"
)

// Score is one image's result.
type Score struct {
	Counts
	Dice, IoU, Precision, Recall, HD95 float64
}

// NewScore derives the per-image ratios from counts and an HD95 value.
func NewScore(c Counts, hd95 float64) Score {
	return Score{Counts: c, Dice: c.Dice(), IoU: c.IoU(), Precision: c.Precision(), Recall: c.Recall(), HD95: hd95}
}

// Stat summarises one measure over a set of images. Pooled is the measure
// computed on the confusion counts summed over all images (it weights large
// masks more); it is NaN for HD95, which has no pooled form.
type Stat struct {
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	// P5 is the 5th percentile (linear interpolation between order
	// statistics, numpy's default): the worst masks' level.
	P5     float64 `json:"p5"`
	Pooled float64 `json:"pooled"`
}

// Summary is the set-level result.
type Summary struct {
	N         int  `json:"n"`
	Dice      Stat `json:"dice"`
	IoU       Stat `json:"iou"`
	Precision Stat `json:"precision"`
	Recall    Stat `json:"recall"`
	HD95      Stat `json:"hd95"`
}

// Summarize computes the set-level summary of scores. An empty set gives a
// Summary with N = 0 and NaN statistics.
func Summarize(scores []Score) Summary {
	var pooled Counts
	for _, s := range scores {
		pooled = pooled.Add(s.Counts)
	}
	stat := func(get func(Score) float64, pool float64) Stat {
		xs := make([]float64, len(scores))
		for i, s := range scores {
			xs[i] = get(s)
		}
		return Stat{Mean: mean(xs), Median: median(xs), P5: quantile(xs, 0.05), Pooled: pool}
	}
	nan := math.NaN()
	if len(scores) == 0 {
		all := Stat{nan, nan, nan, nan}
		return Summary{Dice: all, IoU: all, Precision: all, Recall: all, HD95: all}
	}
	return Summary{
		N:         len(scores),
		Dice:      stat(func(s Score) float64 { return s.Dice }, pooled.Dice()),
		IoU:       stat(func(s Score) float64 { return s.IoU }, pooled.IoU()),
		Precision: stat(func(s Score) float64 { return s.Precision }, pooled.Precision()),
		Recall:    stat(func(s Score) float64 { return s.Recall }, pooled.Recall()),
		HD95:      stat(func(s Score) float64 { return s.HD95 }, nan),
	}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// median sorts xs in place.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// quantile returns the q-quantile of xs (sorting it in place), interpolating
// linearly between order statistics.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	f := pos - float64(i)
	return xs[i]*(1-f) + xs[i+1]*f
}

// MarshalJSON writes NaN statistics (HD95's pooled value, an empty set) as
// null, which encoding/json cannot do for a plain float.
func (s Stat) MarshalJSON() ([]byte, error) {
	f := func(x float64) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "null"
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	return []byte(`{"mean":` + f(s.Mean) + `,"median":` + f(s.Median) + `,"p5":` + f(s.P5) + `,"pooled":` + f(s.Pooled) + `}`), nil
}
