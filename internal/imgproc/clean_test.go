package imgproc

import (
	"image"
	"math"
	"testing"
)

// probMap paints discs of probability 0.9 on a 0.1 background.
func probMap(w, h int, discs [][3]int) []float32 {
	p := make([]float32, w*h)
	for i := range p {
		p[i] = 0.1
	}
	for _, d := range discs {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if (x-d[0])*(x-d[0])+(y-d[1])*(y-d[1]) <= d[2]*d[2] {
					p[y*w+x] = 0.9
				}
			}
		}
	}
	return p
}

func count(m *image.Gray) (n int) {
	for _, v := range m.Pix {
		if v == 255 {
			n++
		} else if v != 0 {
			return -1
		}
	}
	return n
}

func TestCleanThresholdOnly(t *testing.T) {
	p := []float32{0, 0.49, 0.5, 0.51, 1, float32(math.NaN())}
	m := image.NewGray(image.Rect(0, 0, 6, 1))
	NewCleaner(CleanParams{Threshold: 0.5}).Clean(m, p)
	want := []byte{0, 0, 0, 255, 255, 0}
	for i := range want {
		if m.Pix[i] != want[i] {
			t.Errorf("prob %v -> %d, want %d", p[i], m.Pix[i], want[i])
		}
	}
}

// TestCleanMorphologyEqualsOpenClose: the Cleaner's morphology equals this
// package's Open then Close (or Close then Open), for every order and
// kernel. It is a consistency check; the comparison with OpenCV itself is
// TestGoldenMorphology (Open, Close) and TestGoldenClean (the Cleaner).
func TestCleanMorphologyEqualsOpenClose(t *testing.T) {
	src := loadPNG(t, "mask_blobs.png")
	prob := make([]float32, len(src.Pix))
	for i, v := range src.Pix {
		prob[i] = float32(v) / 255
	}
	for _, k := range []int{3, 5, 7} {
		for _, order := range []MorphOrder{OpenThenClose, CloseThenOpen} {
			p := CleanParams{Threshold: 0.5, Kernel: k, Order: order, OpenIterations: 1, CloseIterations: 2}
			got := image.NewGray(src.Rect)
			NewCleaner(p).Clean(got, prob)
			want, tmp := image.NewGray(src.Rect), image.NewGray(src.Rect)
			if order == OpenThenClose {
				Open(tmp, src, Ellipse(k), 1)
				Close(want, tmp, Ellipse(k), 2)
			} else {
				Close(tmp, src, Ellipse(k), 2)
				Open(want, tmp, Ellipse(k), 1)
			}
			requireSame(t, p.String(), got, want)
		}
	}
}

func TestCleanKeepsLargestAndFillsHoles(t *testing.T) {
	const w, h = 224, 224
	// Two lungs, one smaller blob, specks; the big left lung has a hole.
	p := probMap(w, h, [][3]int{{60, 110, 40}, {165, 110, 35}, {112, 200, 12}, {10, 10, 1}, {200, 20, 1}})
	for y := 100; y < 106; y++ {
		for x := 55; x < 62; x++ {
			p[y*w+x] = 0.2
		}
	}
	m := image.NewGray(image.Rect(0, 0, w, h))
	c := NewCleaner(DefaultCleanParams())
	c.Clean(m, p)
	if count(m) < 0 {
		t.Fatal("mask is not 0/255")
	}
	at := func(x, y int) byte { return m.Pix[y*w+x] }
	if at(60, 110) != 255 || at(165, 110) != 255 {
		t.Error("a lung was removed")
	}
	if at(112, 200) != 0 {
		t.Error("the third component was kept")
	}
	if at(10, 10) != 0 || at(200, 20) != 0 {
		t.Error("specks survived")
	}
	if at(58, 102) != 255 {
		t.Error("hole not filled")
	}
	// A bay open to the border is background, not a hole.
	q := probMap(w, h, [][3]int{{112, 112, 100}})
	for y := 0; y < 112; y++ {
		for x := 100; x < 124; x++ {
			q[y*w+x] = 0
		}
	}
	c.Clean(m, q)
	if at(112, 50) != 0 {
		t.Error("a bay touching the border was filled")
	}
}

func TestCleanParamsEdgeCases(t *testing.T) {
	p := probMap(32, 32, [][3]int{{8, 8, 5}, {24, 24, 3}, {24, 6, 2}})
	m := image.NewGray(image.Rect(0, 0, 32, 32))
	// Keep 0 keeps all; kernel 1 skips morphology.
	NewCleaner(CleanParams{Threshold: 0.5, Kernel: 1, Keep: 0}).Clean(m, p)
	all := count(m)
	NewCleaner(CleanParams{Threshold: 0.5, Kernel: 1, Keep: 1}).Clean(m, p)
	one := count(m)
	if !(one > 0 && one < all) {
		t.Errorf("keep 1: %d pixels, keep all: %d", one, all)
	}
	// All background and all foreground.
	zero := make([]float32, 32*32)
	NewCleaner(DefaultCleanParams()).Clean(m, zero)
	if count(m) != 0 {
		t.Error("empty map gave foreground")
	}
	for i := range zero {
		zero[i] = 1
	}
	NewCleaner(DefaultCleanParams()).Clean(m, zero)
	if count(m) != 32*32 {
		t.Errorf("full map gave %d pixels", count(m))
	}
}

func TestAnd(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	mask := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(img.Pix, []byte{10, 20, 30, 40, 50, 60})
	copy(mask.Pix, []byte{255, 0, 255, 0, 1, 0})
	dst := image.NewGray(img.Rect)
	And(dst, img, mask)
	want := []byte{10, 0, 30, 0, 50, 0}
	for i := range want {
		if dst.Pix[i] != want[i] {
			t.Fatalf("And: %v, want %v", dst.Pix, want)
		}
	}
}

// TestSteadyStateAllocs: every per-image stage allocates nothing once its
// buffers exist.
func TestSteadyStateAllocs(t *testing.T) {
	src := loadPNG(t, "xray.png")
	d224 := image.NewGray(image.Rect(0, 0, 224, 224))
	d2 := image.NewGray(image.Rect(0, 0, 224, 224))
	var r Resizer
	cl := NewCLAHE(2, 8, 8)
	c := NewCleaner(DefaultCleanParams())
	prob := probMap(224, 224, [][3]int{{60, 110, 40}, {165, 110, 35}, {112, 200, 12}})
	mask := image.NewGray(d224.Rect)
	for name, f := range map[string]func(){
		"linear":    func() { r.Linear(d224, src) },
		"area":      func() { r.Area(d224, src) },
		"clahe":     func() { cl.Apply(d2, d224) },
		"clahe-pad": func() { cl.Apply(src, src) },
		"clean":     func() { c.Clean(mask, prob) },
		"and":       func() { And(d2, d224, mask) },
	} {
		f()
		if a := testing.AllocsPerRun(5, f); a != 0 {
			t.Errorf("%s: %v allocs per call, want 0", name, a)
		}
	}
}
