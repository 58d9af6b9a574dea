package htmlreport

import (
	"math"
	"slices"
	"sort"

	"github.com/cxlseg/cxlseg/dataset"
)

// splitCount is one row of the counts table.
type splitCount struct {
	Split                     string
	Images, Subjects, Studies int
	Percent                   float64 // share of all images
}

// countSplits counts images, distinct subjects and distinct studies per
// split, plus an "all" row.
func countSplits(ds *dataset.Dataset) []splitCount {
	var rows []splitCount
	subjAll, studAll := map[int64]bool{}, map[int64]bool{}
	for _, s := range dataset.Splits() {
		subj, stud := map[int64]bool{}, map[int64]bool{}
		n := 0
		for r := range ds.Records(s) {
			n++
			subj[r.SubjectID], stud[r.StudyID] = true, true
			subjAll[r.SubjectID], studAll[r.StudyID] = true, true
		}
		rows = append(rows, splitCount{Split: string(s), Images: n, Subjects: len(subj), Studies: len(stud), Percent: pct(n, ds.Len())})
	}
	rows = append(rows, splitCount{Split: "all", Images: ds.Len(), Subjects: len(subjAll), Studies: len(studAll), Percent: pct(ds.Len(), ds.Len())})
	return rows
}

// pct returns 100*n/total, 0 for an empty total.
func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// labelCell is the distribution of one label in one split.
type labelCell struct {
	Pos, Unc, Neg, Miss float64 // percentages of the split's images
	NPos                int
}

// labelRow is one label across the splits.
type labelRow struct {
	Name  string
	Cells []labelCell // in dataset.Splits order
}

// labelPrevalence computes, per label and split, the share of positive,
// uncertain, negative and unmentioned images.
func labelPrevalence(ds *dataset.Dataset) []labelRow {
	var counts [3][dataset.NumLabels][4]int // split, label, value
	var totals [3]int
	for si, s := range dataset.Splits() {
		for r := range ds.Records(s) {
			totals[si]++
			for li := range dataset.NumLabels {
				counts[si][li][r.Labels.At(li)]++
			}
		}
	}
	rows := make([]labelRow, dataset.NumLabels)
	for li, name := range dataset.LabelNames() {
		rows[li].Name = name
		for si := range dataset.Splits() {
			c := counts[si][li]
			rows[li].Cells = append(rows[li].Cells, labelCell{
				Pos: pct(c[dataset.Positive], totals[si]), Unc: pct(c[dataset.Uncertain], totals[si]),
				Neg: pct(c[dataset.Negative], totals[si]), Miss: pct(c[dataset.Missing], totals[si]),
				NPos: c[dataset.Positive],
			})
		}
	}
	return rows
}

// flagRow counts one QA flag per split.
type flagRow struct {
	Flag   string
	Counts []int // in dataset.Splits order, then all
}

// Row labels of the flag table for images without flags or without QA.
const (
	noFlag  = "(none)"
	noQARow = "(no QA row)"
)

// flagCounts counts QA flags per split: images without a flag first, then
// each flag by name, then images without a QA row.
func flagCounts(ds *dataset.Dataset) []flagRow {
	nSplits := len(dataset.Splits())
	counts := map[string][]int{}
	add := func(flag string, si int) {
		c, ok := counts[flag]
		if !ok {
			c = make([]int, nSplits+1)
			counts[flag] = c
		}
		c[si]++
		c[nSplits]++
	}
	for si, s := range dataset.Splits() {
		for r := range ds.Records(s) {
			switch {
			case r.QA == nil:
				add(noQARow, si)
			case len(r.QA.Flags) == 0:
				add(noFlag, si)
			default:
				for _, f := range r.QA.Flags {
					add(f, si)
				}
			}
		}
	}
	var names []string
	for f := range counts {
		if f != noFlag && f != noQARow {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	names = append([]string{noFlag}, append(names, noQARow)...)
	var rows []flagRow
	for _, f := range names {
		if c, ok := counts[f]; ok {
			rows = append(rows, flagRow{Flag: f, Counts: c})
		}
	}
	return rows
}

// histogram is a binned distribution over [Lo, Hi) with counts of values
// below, above and not a number.
type histogram struct {
	Title, Unit     string
	Lo, Hi          float64
	Bins            []int
	Under, Over     int
	NaN             int
	N               int
	P5, Median, P95 float64
}

// newHistogram bins values into n equal bins over [lo, hi); hi itself goes
// into the last bin, since fractions and probabilities reach 1 exactly.
func newHistogram(title, unit string, values []float64, lo, hi float64, n int) histogram {
	h := histogram{Title: title, Unit: unit, Lo: lo, Hi: hi, Bins: make([]int, n)}
	var finite []float64
	for _, v := range values {
		switch {
		case math.IsNaN(v):
			h.NaN++
			continue
		case v < lo:
			h.Under++
		case v > hi:
			h.Over++
		default:
			b := int((v - lo) / (hi - lo) * float64(n))
			h.Bins[min(b, n-1)]++
		}
		finite = append(finite, v)
	}
	h.N = len(finite)
	if len(finite) > 0 {
		slices.Sort(finite)
		h.P5, h.Median, h.P95 = quantile(finite, 0.05), quantile(finite, 0.5), quantile(finite, 0.95)
	}
	return h
}

// quantile returns the q-quantile of sorted values by nearest rank.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// qaHistograms builds the three QA plots from the images that have QA.
func qaHistograms(ds *dataset.Dataset) []histogram {
	var fg, lr, prob, est []float64
	for r := range ds.All() {
		if r.QA == nil {
			continue
		}
		fg = append(fg, r.QA.FGFraction)
		lr = append(lr, r.QA.LRRatio)
		prob = append(prob, r.QA.MeanProb)
		if !math.IsNaN(r.QA.EstDice) {
			est = append(est, r.QA.EstDice)
		}
	}
	// Fractions and probabilities are bounded, so their plots span the
	// bounds (mean probability from 0.5, the mask threshold, unless a value
	// lies lower); the ratio is unbounded, so values past 2.5 are counted
	// in the caption instead.
	probLo := 0.5
	for _, p := range prob {
		if p < probLo {
			probLo = math.Max(0, math.Floor(p*10)/10)
		}
	}
	hs := []histogram{
		newHistogram("Mask area (foreground fraction of the 224x224 mask)", "fraction", fg, 0, 1, 50),
		newHistogram("Left/right lung area ratio", "ratio", lr, 0, 2.5, 25),
		newHistogram("Mean mask probability", "probability", prob, probLo, 1, 25),
	}
	if len(est) > 0 {
		// Estimated Dice from 0.8 (most masks lie above), lower values
		// widen the range in steps of 0.1.
		lo := 0.8
		for _, e := range est {
			if e < lo {
				lo = math.Max(0, math.Floor(e*10)/10)
			}
		}
		hs = append(hs, newHistogram("Estimated Dice (est_dice; low_quality below the threshold)", "est_dice", est, lo, 1, 40))
	}
	return hs
}

// viewRow counts one ViewPosition value per split.
type viewRow struct {
	View   string
	Counts []int // in dataset.Splits order, then all
}

// viewCounts counts the metadata's ViewPosition per split, most frequent
// first; nil when the metadata has no such column.
func viewCounts(ds *dataset.Dataset) []viewRow {
	if !slices.Contains(ds.MetaColumns(), "ViewPosition") {
		return nil
	}
	nSplits := len(dataset.Splits())
	counts := map[string][]int{}
	for si, s := range dataset.Splits() {
		for r := range ds.Records(s) {
			v, _ := r.Meta("ViewPosition")
			if v == "" {
				v = "(blank)"
			}
			c, ok := counts[v]
			if !ok {
				c = make([]int, nSplits+1)
				counts[v] = c
			}
			c[si]++
			c[nSplits]++
		}
	}
	rows := make([]viewRow, 0, len(counts))
	for v, c := range counts {
		rows = append(rows, viewRow{View: v, Counts: c})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i].Counts[nSplits], rows[j].Counts[nSplits]
		if a != b {
			return a > b
		}
		return rows[i].View < rows[j].View
	})
	return rows
}
