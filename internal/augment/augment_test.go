package augment

import (
	"math"
	"testing"
)

func testImage(s int) (img, mask []uint8) {
	img, mask = make([]uint8, s*s), make([]uint8, s*s)
	for y := 0; y < s; y++ {
		for x := 0; x < s; x++ {
			img[y*s+x] = uint8((x*7 + y*13) % 256)
			if x > s/4 && x < s/2 && y > s/5 && y < 4*s/5 {
				mask[y*s+x] = 1
			}
		}
	}
	return img, mask
}

func TestIdentityIsIdentity(t *testing.T) {
	const s = 40
	img, mask := testImage(s)
	a := New(s, DefaultConfig())
	di, dm := make([]float32, s*s), make([]float32, s*s)
	if err := a.Apply(di, dm, img, mask, Identity()); err != nil {
		t.Fatal(err)
	}
	for i := range img {
		if di[i] != float32(img[i])/255 || dm[i] != float32(mask[i]) {
			t.Fatalf("pixel %d: got %v/%v, want %v/%v", i, di[i], dm[i], float32(img[i])/255, mask[i])
		}
	}
}

func TestMaskStaysBinaryAndFollowsImage(t *testing.T) {
	const s = 48
	img, mask := testImage(s)
	// Make the image equal the mask so the transformed image, thresholded,
	// must agree with the transformed mask almost everywhere.
	for i := range img {
		img[i] = mask[i] * 255
	}
	a := New(s, DefaultConfig())
	di, dm := make([]float32, s*s), make([]float32, s*s)
	for idx := 0; idx < 20; idx++ {
		p := a.Draw(7, 1, idx)
		p.Contrast, p.Brightness = 1, 0
		if err := a.Apply(di, dm, img, mask, p); err != nil {
			t.Fatal(err)
		}
		differ, area := 0, 0
		for i := range dm {
			if dm[i] != 0 && dm[i] != 1 {
				t.Fatalf("mask value %v not binary", dm[i])
			}
			if (di[i] >= 0.5) != (dm[i] == 1) {
				differ++
			}
			area += int(dm[i])
		}
		if differ != 0 {
			t.Errorf("draw %d: %d pixels where image and mask transforms disagree", idx, differ)
		}
		// Zoom 0.9-1.1 changes area by at most ~1.1^2.
		orig := 0
		for _, v := range mask {
			orig += int(v)
		}
		if r := float64(area) / float64(orig); r < 0.75 || r > 1.3 {
			t.Errorf("draw %d (%+v): area ratio %v", idx, p, r)
		}
	}
}

func TestSameSeedSameOutput(t *testing.T) {
	const s = 32
	img, mask := testImage(s)
	a, b := New(s, DefaultConfig()), New(s, DefaultConfig())
	p1, p2 := a.Draw(3, 2, 5), b.Draw(3, 2, 5)
	if p1 != p2 {
		t.Fatalf("same seed, different params: %+v %+v", p1, p2)
	}
	if p3 := a.Draw(3, 2, 6); p3 == p1 {
		t.Fatal("different index gave the same params")
	}
	if p4 := a.Draw(3, 3, 5); p4 == p1 {
		t.Fatal("different epoch gave the same params")
	}
	d1i, d1m := make([]float32, s*s), make([]float32, s*s)
	d2i, d2m := make([]float32, s*s), make([]float32, s*s)
	_ = a.Apply(d1i, d1m, img, mask, p1)
	_ = b.Apply(d2i, d2m, img, mask, p2)
	for i := range d1i {
		if d1i[i] != d2i[i] || d1m[i] != d2m[i] {
			t.Fatal("same params, different output")
		}
	}
}

func TestDrawWithinBounds(t *testing.T) {
	c := DefaultConfig()
	a := New(8, c)
	for i := 0; i < 500; i++ {
		p := a.Draw(1, 0, i)
		if math.Abs(p.Angle) > c.MaxAngle || p.Scale < c.MinScale || p.Scale > c.MaxScale ||
			math.Abs(p.ShiftX) > c.MaxShift || math.Abs(p.ShiftY) > c.MaxShift ||
			p.Contrast < c.MinContrast || p.Contrast > c.MaxContrast || math.Abs(p.Brightness) > c.MaxBrightness {
			t.Fatalf("draw out of bounds: %+v", p)
		}
	}
}

func TestRotation90(t *testing.T) {
	// A 90-degree rotation of a square image is a pure permutation: check one
	// marked pixel lands where the rotation says (clockwise as displayed,
	// y pointing down: (x, y) -> (s-1-y, x)).
	const s = 6
	img, mask := make([]uint8, s*s), make([]uint8, s*s)
	img[1*s+4] = 200 // x=4, y=1
	a := New(s, DefaultConfig())
	di, dm := make([]float32, s*s), make([]float32, s*s)
	p := Identity()
	p.Angle = 90
	_ = a.Apply(di, dm, img, mask, p)
	got := -1
	for i, v := range di {
		if v > 0.5 {
			got = i
		}
	}
	if want := 4*s + (s - 1 - 1); got != want {
		t.Errorf("rotated pixel at %d (x=%d y=%d), want %d", got, got%s, got/s, want)
	}
}

func TestApplyRejectsBadInput(t *testing.T) {
	a := New(4, DefaultConfig())
	if err := a.Apply(make([]float32, 16), make([]float32, 16), make([]uint8, 15), make([]uint8, 16), Identity()); err == nil {
		t.Error("short image accepted")
	}
	p := Identity()
	p.Scale = 0
	if err := a.Apply(make([]float32, 16), make([]float32, 16), make([]uint8, 16), make([]uint8, 16), p); err == nil {
		t.Error("zero scale accepted")
	}
}

func BenchmarkApply224(b *testing.B) {
	const s = 224
	img, mask := testImage(s)
	a := New(s, DefaultConfig())
	di, dm := make([]float32, s*s), make([]float32, s*s)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := a.Draw(1, 0, i)
		i++
		if err := a.Apply(di, dm, img, mask, p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPartialLabels checks that Ignore pixels come out as -1, follow the
// geometry like lung pixels, and leave a plain 0/1 mask's output as it was.
func TestPartialLabels(t *testing.T) {
	const s = 40
	img, mask := testImage(s)
	partial := append([]uint8(nil), mask...)
	for y := 0; y < s; y++ {
		for x := s / 2; x < 3*s/4; x++ {
			if y > s/5 && y < 4*s/5 {
				partial[y*s+x] = Ignore
			}
		}
	}
	a := New(s, DefaultConfig())
	di, dm := make([]float32, s*s), make([]float32, s*s)
	if err := a.Apply(di, dm, img, partial, Identity()); err != nil {
		t.Fatal(err)
	}
	for i, v := range partial {
		want := map[uint8]float32{0: 0, 1: 1, Ignore: -1}[v]
		if dm[i] != want {
			t.Fatalf("identity, pixel %d: mask %d gives %v, want %v", i, v, dm[i], want)
		}
	}
	p := a.Draw(3, 1, 2)
	plain, part := make([]float32, s*s), make([]float32, s*s)
	if err := a.Apply(di, plain, img, mask, p); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(di, part, img, partial, p); err != nil {
		t.Fatal(err)
	}
	neg := 0
	for i := range plain {
		switch {
		case part[i] == -1:
			neg++
			if plain[i] == 1 {
				t.Fatalf("pixel %d: lung in the plain mask, ignored in the partial one", i)
			}
		case part[i] != plain[i]:
			t.Fatalf("pixel %d: plain %v, partial %v", i, plain[i], part[i])
		}
	}
	if neg < s*s/20 {
		t.Errorf("only %d ignored pixels after the transform", neg)
	}
}
