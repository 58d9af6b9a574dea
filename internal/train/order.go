package train

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"

	"github.com/cxlseg/cxlseg/internal/lungdata"
)

// epochOrder returns the train indices used in epoch (0-based), shuffled:
// each image with its inclusion probability (trainWeight: 1 for a
// heart-excluded image of an unweighted source, v7Weight for a
// retrocardiac-included one, times its source's weight). It depends only on
// (seed, epoch, the items), so a resumed run sees the same batches.
func epochOrder(items []lungdata.Item, seed int64, epoch int, v7Weight float64, sources map[string]float64) []int {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed0000+uint64(epoch)))
	idx := make([]int, 0, len(items))
	for i, it := range items {
		// Draw for every item so that the sequence does not depend on
		// which items are weighted.
		u := r.Float64()
		if u >= trainWeight(it, v7Weight, sources) {
			continue
		}
		idx = append(idx, i)
	}
	r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
	return idx
}

// trainWeight is an item's inclusion probability in an epoch.
func trainWeight(it lungdata.Item, v7Weight float64, sources map[string]float64) float64 {
	w := 1.0
	if it.Convention == lungdata.RetrocardiacIncluded {
		w = v7Weight
	}
	if sw, ok := sources[it.Source]; ok {
		w *= sw
	}
	return w
}

// selectWeight is a validate item's weight in the selection score: with
// cfg.Select, 1 for the listed sources and 0 for the others; otherwise as
// in training.
func selectWeight(it lungdata.Item, cfg Config) float64 {
	if len(cfg.Select) > 0 {
		if slices.Contains(cfg.Select, it.Source) {
			return 1
		}
		return 0
	}
	return trainWeight(it, cfg.V7Weight, cfg.Sources)
}

// limitItems returns at most n items (all when n is 0), chosen by a seeded
// hash of their ids so the subset mixes sources, in listing order.
func limitItems(items []lungdata.Item, n int, seed int64) []lungdata.Item {
	if n == 0 || n >= len(items) {
		return items
	}
	type keyed struct {
		key uint64
		i   int
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		h := fnv.New64a()
		h.Write([]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)})
		h.Write([]byte(it.ID))
		ks[i] = keyed{h.Sum64(), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return a.i - b.i
	})
	keep := make([]int, n)
	for j := range n {
		keep[j] = ks[j].i
	}
	slices.Sort(keep)
	out := make([]lungdata.Item, n)
	for j, i := range keep {
		out[j] = items[i]
	}
	return out
}
