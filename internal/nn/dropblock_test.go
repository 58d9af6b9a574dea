package nn

import (
	"math"
	"testing"
)

// TestDropBlockMask checks DropBlock's statistics and invariants on large
// maps: about 1-keep of the pixels dropped, only whole blocks, survivors
// rescaled so that the mean is kept, masks reproducible from (seed, step)
// and different across steps.
func TestDropBlockMask(t *testing.T) {
	for _, tc := range []struct {
		keep       float64
		block, h   int
		threads, n int
	}{{0.9, 7, 64, 2, 4}, {0.82, 7, 56, 1, 2}, {0.8, 3, 32, 2, 3}} {
		s, err := NewStore([]string{"g", "b", "rm", "rv"}, [][]int{{8}, {8}, {8}, {8}})
		if err != nil {
			t.Fatal(err)
		}
		e := NewEngine(NewGoGemm(), tc.threads)
		g := NewGraph(e, s, tc.n, true)
		x := g.Input(8, tc.h, tc.h)
		x.noGrad = false
		y := g.BatchNorm(x, s.Get("g"), s.Get("b"), s.Get("rm"), s.Get("rv"), nil, DropBlockConfig{Keep: tc.keep, Block: tc.block}, false)
		g.Output(y)
		if err := g.Plan(); err != nil {
			t.Fatal(err)
		}
		l := g.layers[0].(*bnLayer)
		draw := func(step uint64) []uint8 {
			g.Seed, g.Step = 1, step
			l.dropBlockMask(g)
			return append([]uint8(nil), l.mask...)
		}
		m1 := draw(5)
		var kept int
		for _, v := range m1 {
			kept += int(v)
		}
		drop := 1 - float64(kept)/float64(len(m1))
		if drop < 0.5*(1-tc.keep) || drop > 1.1*(1-tc.keep) {
			t.Errorf("keep %v block %d: dropped fraction %.4f", tc.keep, tc.block, drop)
		}
		if got := float64(l.scale) * float64(kept); math.Abs(got-float64(len(m1))) > 1e-3*float64(len(m1)) {
			t.Errorf("scale %v * kept %d != count %d", l.scale, kept, len(m1))
		}
		// Every dropped pixel lies in some fully dropped block.
		hw := tc.h * tc.h
		for p := 0; p < len(m1)/hw; p++ {
			pl := m1[p*hw : (p+1)*hw]
			for yy := 0; yy < tc.h; yy++ {
				for xx := 0; xx < tc.h; xx++ {
					if pl[yy*tc.h+xx] == 0 && !inDroppedBlock(pl, tc.h, tc.block, yy, xx) {
						t.Fatalf("plane %d pixel (%d,%d) dropped outside a whole block", p, yy, xx)
					}
				}
			}
		}
		if m2 := draw(5); string(m2) != string(m1) {
			t.Error("same (seed, step) gave another mask")
		}
		if m3 := draw(6); string(m3) == string(m1) {
			t.Error("next step gave the same mask")
		}
		e.Close()
	}
}

func inDroppedBlock(pl []uint8, h, bs, y, x int) bool {
	for y0 := max(0, y-bs+1); y0 <= min(y, h-bs); y0++ {
		for x0 := max(0, x-bs+1); x0 <= min(x, h-bs); x0++ {
			all := true
			for dy := 0; dy < bs && all; dy++ {
				for dx := 0; dx < bs; dx++ {
					if pl[(y0+dy)*h+x0+dx] != 0 {
						all = false
						break
					}
				}
			}
			if all {
				return true
			}
		}
	}
	return false
}
