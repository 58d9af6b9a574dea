package metrics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// grid builds a flat mask from rows of '.' and '#'.
func grid(rows ...string) []uint8 {
	var m []uint8
	for _, r := range rows {
		for _, c := range r {
			if c == '#' {
				m = append(m, 1)
			} else {
				m = append(m, 0)
			}
		}
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestRatios(t *testing.T) {
	tests := []struct {
		name                 string
		pred, truth          []uint8
		dice, iou, prec, rec float64
	}{
		// TP=2 FP=1 FN=1: dice 4/6, iou 2/4, precision 2/3, recall 2/3.
		{"overlap", grid("##.", "#.."), grid("##.", ".#."), 4.0 / 6, 0.5, 2.0 / 3, 2.0 / 3},
		{"identical", grid("#.#"), grid("#.#"), 1, 1, 1, 1},
		{"both empty", grid("..."), grid("..."), 1, 1, 1, 1},
		{"pred empty", grid("..."), grid(".#."), 0, 0, 0, 0},
		{"truth empty", grid("#.."), grid("..."), 0, 0, 0, 0},
		// TP=1 FP=0 FN=3: dice 2/5, iou 1/4, precision 1, recall 1/4.
		{"under", grid("#...", "...."), grid("##..", "##.."), 0.4, 0.25, 1, 0.25},
		{"0/255 values", []uint8{255, 0, 255}, []uint8{1, 1, 0}, 0.5, 1.0 / 3, 0.5, 0.5},
	}
	for _, tc := range tests {
		c, err := Count(tc.pred, tc.truth)
		if err != nil {
			t.Fatal(err)
		}
		if !near(c.Dice(), tc.dice) || !near(c.IoU(), tc.iou) || !near(c.Precision(), tc.prec) || !near(c.Recall(), tc.rec) {
			t.Errorf("%s: got dice %v iou %v precision %v recall %v, want %v %v %v %v", tc.name,
				c.Dice(), c.IoU(), c.Precision(), c.Recall(), tc.dice, tc.iou, tc.prec, tc.rec)
		}
	}
	if _, err := Count(make([]uint8, 3), make([]uint8, 4)); err == nil {
		t.Error("size mismatch accepted")
	}
}

func TestHD95HandCases(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		a, b []uint8
		want float64
	}{
		{"identical", 4, 3, grid("....", ".##.", "...."), grid("....", ".##.", "...."), 0},
		{"both empty", 3, 2, grid("...", "..."), grid("...", "..."), 0},
		{"one empty", 3, 4, grid("...", "...", "...", "..."), grid("#..", "...", "...", "..."), 5},
		// Single pixels 3 apart: every distance is 3.
		{"points", 5, 1, grid("#...."), grid("...#."), 3},
		// Two 1-wide vertical bars 2 apart, 3 long: all distances 2.
		{"bars", 5, 3, grid("#....", "#....", "#...."), grid("..#..", "..#..", "..#.."), 2},
	}
	for _, tc := range tests {
		got, err := NewHausdorff(tc.w, tc.h).HD95(tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, tc.want) {
			t.Errorf("%s: HD95 = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A 3x3 square filling a 3x3 image against its corner pixel. The
	// square's boundary is its 8 outer pixels (the centre has all four
	// neighbours set); their distances to (0,0) are 0,1,2,1,sqrt5,2,sqrt5,
	// sqrt8, and the pixel's distance to the square's boundary is 0. Sorted:
	// 0 0 1 1 2 2 sqrt5 sqrt5 sqrt8; the 95th percentile sits at position
	// 0.95*8 = 7.6.
	a := grid("###", "###", "###")
	b := grid("#..", "...", "...")
	got, _ := NewHausdorff(3, 3).HD95(a, b)
	want := math.Sqrt(5) + 0.6*(math.Sqrt(8)-math.Sqrt(5))
	if !near(got, want) {
		t.Errorf("square vs corner: HD95 = %v, want %v", got, want)
	}
}

// bruteHD95 is the definition written out with O(n^2) distances.
func bruteHD95(w, h int, a, b []uint8) float64 {
	hd := &Hausdorff{w: w, h: h}
	var ba, bb [][2]int
	for i := range a {
		if hd.isBoundary(a, i) {
			ba = append(ba, [2]int{i % w, i / w})
		}
		if hd.isBoundary(b, i) {
			bb = append(bb, [2]int{i % w, i / w})
		}
	}
	var ds []float64
	dir := func(p, q [][2]int) {
		for _, u := range p {
			best := math.Inf(1)
			for _, v := range q {
				best = min(best, math.Hypot(float64(u[0]-v[0]), float64(u[1]-v[1])))
			}
			ds = append(ds, best)
		}
	}
	dir(ba, bb)
	dir(bb, ba)
	return percentile(ds, 95)
}

func TestHD95MatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 40; trial++ {
		w, h := 5+r.IntN(30), 5+r.IntN(30)
		a, b := make([]uint8, w*h), make([]uint8, w*h)
		blob := func(m []uint8) {
			cx, cy, rad := r.Float64()*float64(w), r.Float64()*float64(h), 1+r.Float64()*float64(min(w, h))/2
			for i := range m {
				dx, dy := float64(i%w)-cx, float64(i/w)-cy
				if dx*dx+dy*dy < rad*rad || r.IntN(50) == 0 {
					m[i] = 1
				}
			}
		}
		blob(a)
		blob(b)
		got, err := NewHausdorff(w, h).HD95(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if empty(a) || empty(b) {
			continue
		}
		if want := bruteHD95(w, h, a, b); math.Abs(got-want) > 1e-9 {
			t.Fatalf("trial %d (%dx%d): HD95 = %v, brute force %v", trial, w, h, got, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	s1 := NewScore(Counts{TP: 8, FP: 2, FN: 0}, 1) // dice 16/18
	s2 := NewScore(Counts{TP: 1, FP: 0, FN: 1}, 3) // dice 2/3
	s3 := NewScore(Counts{TP: 1, FP: 1, FN: 1}, 2) // dice 0.5
	sum := Summarize([]Score{s1, s2, s3})
	if sum.N != 3 {
		t.Fatalf("N = %d", sum.N)
	}
	if want := (16.0/18 + 2.0/3 + 0.5) / 3; !near(sum.Dice.Mean, want) {
		t.Errorf("mean dice %v, want %v", sum.Dice.Mean, want)
	}
	if !near(sum.Dice.Median, 2.0/3) {
		t.Errorf("median dice %v", sum.Dice.Median)
	}
	// 5th percentile of {0.5, 2/3, 16/18}: 0.1 of the way from 0.5 to 2/3.
	if want := 0.5 + 0.1*(2.0/3-0.5); !near(sum.Dice.P5, want) {
		t.Errorf("5th percentile dice %v, want %v", sum.Dice.P5, want)
	}
	// pooled TP=10 FP=3 FN=2: dice 20/25.
	if !near(sum.Dice.Pooled, 0.8) || !near(sum.IoU.Pooled, 10.0/15) {
		t.Errorf("pooled dice %v iou %v", sum.Dice.Pooled, sum.IoU.Pooled)
	}
	if !near(sum.HD95.Mean, 2) || !near(sum.HD95.Median, 2) || !math.IsNaN(sum.HD95.Pooled) {
		t.Errorf("hd95 %+v", sum.HD95)
	}
	js, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"hd95":{"mean":2,"median":2,"p5":1.1,"pooled":null}`) {
		t.Errorf("json %s", js)
	}
	if e := Summarize(nil); e.N != 0 || !math.IsNaN(e.Dice.Mean) {
		t.Errorf("empty summary %+v", e)
	}
}

func BenchmarkHD95At224(b *testing.B) {
	w, h := 224, 224
	m1, m2 := make([]uint8, w*h), make([]uint8, w*h)
	for y := 40; y < 190; y++ {
		for x := 30; x < 100; x++ {
			m1[y*w+x] = 1
			m2[(y+3)*w+x+2] = 1
		}
	}
	hd := NewHausdorff(w, h)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hd.HD95(m1, m2); err != nil {
			b.Fatal(err)
		}
	}
}
