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
		return Stat{Mean: mean(xs), Median: median(xs), Pooled: pool}
	}
	nan := math.NaN()
	if len(scores) == 0 {
		return Summary{Dice: Stat{nan, nan, nan}, IoU: Stat{nan, nan, nan}, Precision: Stat{nan, nan, nan},
			Recall: Stat{nan, nan, nan}, HD95: Stat{nan, nan, nan}}
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

// MarshalJSON writes NaN statistics (HD95's pooled value, an empty set) as
// null, which encoding/json cannot do for a plain float.
func (s Stat) MarshalJSON() ([]byte, error) {
	f := func(x float64) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "null"
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	return []byte(`{"mean":` + f(s.Mean) + `,"median":` + f(s.Median) + `,"pooled":` + f(s.Pooled) + `}`), nil
}
