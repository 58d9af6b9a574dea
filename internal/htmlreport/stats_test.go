package htmlreport

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"slices"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
)

func TestHistogram(t *testing.T) {
	vals := []float64{-0.1, 0, 0.05, 0.1, 0.55, 1, 1.2, math.NaN()}
	h := newHistogram("t", "u", vals, 0, 1, 10)
	want := []int{2, 1, 0, 0, 0, 1, 0, 0, 0, 1} // 1 goes into the last bin
	if !slices.Equal(h.Bins, want) || h.Under != 1 || h.Over != 1 || h.NaN != 1 || h.N != 7 {
		t.Errorf("bins %v under %d over %d nan %d n %d; want %v 1 1 1 7", h.Bins, h.Under, h.Over, h.NaN, h.N, want)
	}
	if h.Median != 0.1 || h.P5 != -0.1 || h.P95 != 1.2 {
		t.Errorf("quantiles %v %v %v", h.P5, h.Median, h.P95)
	}
	// Every finite value inside the range is in exactly one bin.
	sum := 0
	for _, c := range h.Bins {
		sum += c
	}
	if sum+h.Under+h.Over != h.N {
		t.Errorf("bins hold %d + %d + %d, want %d", sum, h.Under, h.Over, h.N)
	}
	empty := newHistogram("t", "u", nil, 0, 1, 4)
	if empty.N != 0 || string(svgHistogram(empty)) == "" {
		t.Error("empty histogram")
	}
}

func TestContourPNG(t *testing.T) {
	// A 10x6 filled rectangle at (5,5): its inner boundary has
	// 2*10 + 2*(6-2) = 28 pixels.
	m := image.NewGray(image.Rect(0, 0, 32, 32))
	for y := 5; y < 11; y++ {
		for x := 5; x < 15; x++ {
			m.Pix[y*m.Stride+x] = 250
		}
	}
	m.Pix[20*m.Stride+20] = 100 // JPEG ringing below the threshold is background
	b, n, err := contourPNG(m)
	if err != nil || n != 28 {
		t.Fatalf("contour has %d pixels (%v), want 28", n, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	opaque := 0
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				opaque++
				if inside := x > 5 && x < 14 && y > 5 && y < 10; inside {
					t.Errorf("interior pixel (%d,%d) drawn", x, y)
				}
			}
		}
	}
	if opaque != 28 {
		t.Errorf("%d opaque pixels in the PNG, want 28", opaque)
	}
	// A mask touching the border is closed by the border.
	full := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range full.Pix {
		full.Pix[i] = 255
	}
	if _, n, _ := contourPNG(full); n != 12 {
		t.Errorf("full 4x4 mask contour %d, want 12", n)
	}
}

func recs(n int) []dataset.Record {
	out := make([]dataset.Record, n)
	for i := range out {
		out[i].DicomID = string(rune('a' + i))
	}
	return out
}

func TestRandomSample(t *testing.T) {
	all := recs(20)
	a := randomSample(all, 5, 1)
	b := randomSample(all, 5, 1)
	c := randomSample(all, 5, 2)
	ids := func(rs []dataset.Record) []string {
		var s []string
		for _, r := range rs {
			s = append(s, r.DicomID)
		}
		return s
	}
	if !slices.Equal(ids(a), ids(b)) {
		t.Errorf("same seed, different samples: %v %v", ids(a), ids(b))
	}
	if slices.Equal(ids(a), ids(c)) {
		t.Errorf("seeds 1 and 2 give the same sample %v", ids(a))
	}
	if !slices.IsSorted(ids(a)) || len(slices.Compact(ids(a))) != 5 {
		t.Errorf("sample %v not 5 distinct in dataset order", ids(a))
	}
	if n := len(randomSample(all, 50, 1)); n != 20 {
		t.Errorf("oversized sample has %d, want 20", n)
	}
	if n := len(randomSample(all, -1, 1)); n != 0 {
		t.Errorf("negative sample has %d", n)
	}
}

func TestWorstQA(t *testing.T) {
	all := recs(5)
	all[0].QA = &dataset.QA{MeanProb: 0.99}
	all[1].QA = &dataset.QA{MeanProb: 0.95, Flags: []string{"one_lung"}}
	all[2].QA = &dataset.QA{MeanProb: 0.70}
	all[3].QA = &dataset.QA{MeanProb: 0.98, Flags: []string{"empty", "low_confidence"}}
	// all[4] has no QA and is not ranked.
	var got []string
	for _, r := range worstQA(all, 10) {
		got = append(got, r.DicomID)
	}
	if want := []string{"d", "b", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("worst order %v, want %v", got, want)
	}
	if n := len(worstQA(all, 2)); n != 2 {
		t.Errorf("worstQA(2) gave %d", n)
	}
}
