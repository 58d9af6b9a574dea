package htmlreport

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/cxlseg/cxlseg/dataset"
)

// randomSample returns k distinct records drawn with a seeded generator
// (same dataset and seed, same sample), in dataset order.
func randomSample(recs []dataset.Record, k int, seed uint64) []dataset.Record {
	k = max(0, min(k, len(recs)))
	idx := make([]int, len(recs))
	for i := range idx {
		idx[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	// Partial Fisher-Yates: the first k positions are a uniform sample.
	for i := 0; i < k; i++ {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	pick := idx[:k]
	slices.Sort(pick)
	out := make([]dataset.Record, k)
	for i, j := range pick {
		out[i] = recs[j]
	}
	return out
}

// lowestEstDice returns up to k records with an estimated Dice, lowest
// first (dataset order among equals); none when the dataset has no
// est_dice.
func lowestEstDice(recs []dataset.Record, k int) []dataset.Record {
	var cand []dataset.Record
	for _, r := range recs {
		if r.QA != nil && !math.IsNaN(r.QA.EstDice) {
			cand = append(cand, r)
		}
	}
	sort.SliceStable(cand, func(i, j int) bool { return cand[i].QA.EstDice < cand[j].QA.EstDice })
	return cand[:max(0, min(k, len(cand)))]
}

// worstQA returns up to k records with QA, worst first: more flags first,
// then lower mean mask probability, then dataset order. Images without a
// QA row are not ranked.
func worstQA(recs []dataset.Record, k int) []dataset.Record {
	var cand []dataset.Record
	for _, r := range recs {
		if r.QA != nil {
			cand = append(cand, r)
		}
	}
	prob := func(r dataset.Record) float64 {
		if math.IsNaN(r.QA.MeanProb) {
			return -1 // unknown confidence ranks as worst
		}
		return r.QA.MeanProb
	}
	sort.SliceStable(cand, func(i, j int) bool {
		a, b := cand[i], cand[j]
		if len(a.QA.Flags) != len(b.QA.Flags) {
			return len(a.QA.Flags) > len(b.QA.Flags)
		}
		return prob(a) < prob(b)
	})
	return cand[:max(0, min(k, len(cand)))]
}
