package sample

import (
	"fmt"
	"math/rand/v2"
)

// idGen makes MIMIC-shaped ids that are unique within one tree: subject
// ids of 8 digits starting with 1, study ids of 8 digits starting with 5,
// dicom ids of five dash-separated 8-digit hex groups (44 characters).
type idGen struct {
	r    *rand.Rand
	used map[string]bool
}

func newIDGen(seed uint64, used map[string]bool) *idGen {
	return &idGen{r: rand.New(rand.NewPCG(seed, 0x6d696d6963)), used: used}
}

// below returns a value in [0, n). A plain modulo keeps the sequence
// fixed across Go releases (the bias is far below anything visible).
func (g *idGen) below(n uint64) uint64 { return g.r.Uint64() % n }

func (g *idGen) unique(make func() string) string {
	for {
		s := make()
		if !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *idGen) subject() string {
	return g.unique(func() string { return fmt.Sprintf("1%07d", g.below(10_000_000)) })
}

func (g *idGen) study() string {
	return g.unique(func() string { return fmt.Sprintf("5%07d", g.below(10_000_000)) })
}

func (g *idGen) dicom() string {
	return g.unique(func() string {
		v := g.r.Uint64()
		w := g.r.Uint64()
		return fmt.Sprintf("%08x-%08x-%08x-%08x-%08x", uint32(v>>32), uint32(v), uint32(w>>32), uint32(w), uint32(g.r.Uint64()))
	})
}

// date returns a StudyDate (YYYYMMDD, MIMIC's shifted years 2110-2209)
// and StudyTime (HHMMSS.fff as a float, leading zeros dropped, as MIMIC
// writes it).
func (g *idGen) dateTime() (date, tm string) {
	y := 2110 + g.below(100)
	m := 1 + g.below(12)
	d := 1 + g.below(28)
	return fmt.Sprintf("%04d%02d%02d", y, m, d), studyTime(int(g.below(24)), int(g.below(60)), int(g.below(60)), int(g.below(1000)))
}

// studyTime writes a time as MIMIC's StudyTime: the number HHMMSS.fff in
// Python's float notation (80556.875; 80556.0 for a whole second).
func studyTime(h, m, s, ms int) string {
	whole := h*10000 + m*100 + s
	if ms == 0 {
		return fmt.Sprintf("%d.0", whole)
	}
	frac := fmt.Sprintf("%03d", ms)
	for frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	return fmt.Sprintf("%d.%s", whole, frac)
}
