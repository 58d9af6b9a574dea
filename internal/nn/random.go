package nn

import "math"

// mix64 is the SplitMix64 finaliser: a bijective hash whose outputs for
// consecutive inputs pass as independent uniform 64-bit numbers. Random
// masks use mix64(key + index), so any element's draw is computable on its
// own, in any order, on any worker: results do not depend on threads, and
// resuming a run needs only (Seed, Step).
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// streamKey derives the key of one layer's random stream at one step.
func streamKey(seed, step, layer uint64) uint64 {
	return mix64(mix64(seed^0x5851f42d4c957f2d) + mix64(step*0x2545f4914f6cdd1d+layer))
}

// probThreshold returns t such that mix64 output < t happens with
// probability p.
func probThreshold(p float64) uint64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return math.MaxUint64
	}
	return uint64(p * (1 << 63) * 2)
}
