package train

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"

	"cxlseg/internal/lungdata"
)

// epochOrder returns the train indices used in epoch (0-based), shuffled:
// every heart-excluded (or unknown-convention) image, and each
// retrocardiac-included image with probability v7Weight. It depends only on
// (seed, epoch, the items), so a resumed run sees the same batches.
func epochOrder(items []lungdata.Item, seed int64, epoch int, v7Weight float64) []int {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed0000+uint64(epoch)))
	idx := make([]int, 0, len(items))
	for i, it := range items {
		// Draw for every item so that the sequence does not depend on
		// which items are V7.
		u := r.Float64()
		if it.Convention == lungdata.RetrocardiacIncluded && u >= v7Weight {
			continue
		}
		idx = append(idx, i)
	}
	r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
	return idx
}

// itemWeight is an item's weight in training and in the selection score.
func itemWeight(it lungdata.Item, v7Weight float64) float64 {
	if it.Convention == lungdata.RetrocardiacIncluded {
		return v7Weight
	}
	return 1
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
