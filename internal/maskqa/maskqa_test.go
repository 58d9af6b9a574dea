package maskqa

import (
	"image"
	"math"
	"slices"
	"strings"
	"testing"
)

// paint returns a 224x224 mask with the given rectangles set.
func paint(rects ...image.Rectangle) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, 224, 224))
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.Pix[y*224+x] = 255
			}
		}
	}
	return m
}

func uniform(v float32) []float32 {
	p := make([]float32, 224*224)
	for i := range p {
		p[i] = v
	}
	return p
}

var (
	rightLung = image.Rect(30, 40, 100, 190) // image left = patient right
	leftLung  = image.Rect(130, 45, 190, 185)
)

func TestMeasureTwoLungs(t *testing.T) {
	r := Measure(paint(rightLung, leftLung), uniform(0.95))
	la, ra := 70*150, 60*140
	if r.LeftArea != la || r.RightArea != ra || r.Foreground != la+ra {
		t.Errorf("areas %d/%d (%d), want %d/%d", r.LeftArea, r.RightArea, r.Foreground, la, ra)
	}
	if !slices.Equal(r.Components, []int{la, ra}) {
		t.Errorf("components %v", r.Components)
	}
	if r.LeftBBox != rightLung || r.RightBBox != leftLung {
		t.Errorf("boxes %v %v", r.LeftBBox, r.RightBBox)
	}
	if math.Abs(r.LRRatio-float64(la)/float64(ra)) > 1e-12 || math.Abs(r.FGFraction-float64(la+ra)/(224*224)) > 1e-12 {
		t.Errorf("ratio %v fraction %v", r.LRRatio, r.FGFraction)
	}
	if math.Abs(r.MeanProb-0.95) > 1e-6 || len(r.Flags) != 0 {
		t.Errorf("mean prob %v flags %v", r.MeanProb, r.Flags)
	}
}

func TestFlags(t *testing.T) {
	speck := func(x, y int) image.Rectangle { return image.Rect(x, y, x+16, y+16) }
	cases := []struct {
		name  string
		mask  *image.Gray
		prob  []float32
		flags []string
	}{
		{"empty", paint(), uniform(0.1), []string{FlagEmpty}},
		{"one lung", paint(rightLung), uniform(0.9), []string{FlagOneLung}},
		{"small left", paint(rightLung, image.Rect(150, 100, 160, 110)), uniform(0.9), []string{FlagOneLung}},
		{"extra", paint(rightLung, leftLung, speck(200, 200), speck(105, 5)), uniform(0.9), []string{FlagExtraComponents}},
		{"small extra ignored", paint(rightLung, leftLung, image.Rect(200, 200, 203, 203)), uniform(0.9), nil},
		{"too small", paint(image.Rect(40, 80, 80, 120), image.Rect(140, 80, 180, 120)), uniform(0.9), []string{FlagImplausibleArea}},
		{"too big", paint(image.Rect(0, 0, 110, 224), image.Rect(114, 0, 224, 224)), uniform(0.9), []string{FlagImplausibleArea}},
		{"low confidence", paint(rightLung, leftLung), uniform(0.6), []string{FlagLowConfidence, FlagLowQuality}},
		{"no probabilities", paint(rightLung, leftLung), nil, nil},
		{"merged", paint(image.Rect(30, 40, 190, 190)), uniform(0.9), []string{FlagOneLung}},
	}
	for _, c := range cases {
		r := Measure(c.mask, c.prob)
		if !slices.Equal(r.Flags, c.flags) {
			t.Errorf("%s: flags %v, want %v", c.name, r.Flags, c.flags)
		}
	}
}

func TestRecord(t *testing.T) {
	r := Measure(paint(rightLung, leftLung), uniform(0.95))
	rec := r.Record("d1", "10000032", "50414267", "files/p10/p10000032/s50414267/d1.jpg")
	h := Header()
	if len(rec) != len(h) {
		t.Fatalf("%d fields for %d columns", len(rec), len(h))
	}
	want := map[string]string{
		"mean_prob": "0.9500", "fg_fraction": "0.3767", "components": "2",
		"left_area": "10500", "right_area": "8400", "lr_ratio": "1.2500",
		"left_bbox": "30 40 100 190", "right_bbox": "130 45 190 185", "flags": "", "raw_components": "1",
		"DicomPath": "files/p10/p10000032/s50414267/d1.jpg",
	}
	for i, col := range h {
		if v, ok := want[col]; ok && rec[i] != v {
			t.Errorf("%s = %q, want %q", col, rec[i], v)
		}
	}
	if got := strings.Join(h, ","); got != "dicom_id,subject_id,study_id,DicomPath,mean_prob,fg_fraction,components,left_area,right_area,lr_ratio,left_bbox,right_bbox,raw_components,est_dice,flags" {
		t.Errorf("header %s", got)
	}
	e := Measure(paint(), nil).Record("d", "1", "2", "p")
	for i, col := range h {
		if col == "mean_prob" || col == "lr_ratio" || col == "left_bbox" || col == "right_bbox" {
			if e[i] != "" {
				t.Errorf("empty mask: %s = %q, want empty", col, e[i])
			}
		}
	}
	if e[len(e)-1] != "empty" {
		t.Errorf("empty mask flags %q", e[len(e)-1])
	}
}

func TestMeterReuse(t *testing.T) {
	m := NewMeter(DefaultThresholds())
	a := m.Measure(paint(rightLung, leftLung), nil)
	m.Measure(paint(rightLung), nil)
	b := m.Measure(paint(rightLung, leftLung), nil)
	if !slices.Equal(a.Components, b.Components) || a.LeftBBox != b.LeftBBox {
		t.Error("a reused Meter gave different results")
	}
}

// probOf returns probabilities that are hi inside rects and lo elsewhere.
func probOf(lo, hi float32, rects ...image.Rectangle) []float32 {
	p := uniform(lo)
	m := paint(rects...)
	for i, v := range m.Pix {
		if v != 0 {
			p[i] = hi
		}
	}
	return p
}

// TestRawComponents checks that extra_components reports what the network
// produced: a clean two-lung mask whose raw probabilities held four large
// blobs is flagged, and RawLarge counts them.
func TestRawComponents(t *testing.T) {
	speck := func(x, y int) image.Rectangle { return image.Rect(x, y, x+16, y+16) }
	clean := paint(rightLung, leftLung)
	r := Measure(clean, probOf(0.02, 0.98, rightLung, leftLung, speck(200, 200), speck(105, 5)))
	if r.RawLarge != 4 || !slices.Contains(r.Flags, FlagExtraComponents) {
		t.Errorf("raw large %d, flags %v; want 4 and %s", r.RawLarge, r.Flags, FlagExtraComponents)
	}
	r = Measure(clean, probOf(0.02, 0.98, rightLung, leftLung))
	if r.RawLarge != 2 || len(r.Flags) != 0 {
		t.Errorf("clean case: raw large %d, flags %v", r.RawLarge, r.Flags)
	}
	if m := Measure(clean, nil); m.RawLarge != -1 || !math.IsNaN(m.EstDice) {
		t.Errorf("without probabilities: raw %d est %v", m.RawLarge, m.EstDice)
	}
}

// TestFeatures checks the quality features on hand-computable cases.
func TestFeatures(t *testing.T) {
	clean := paint(rightLung, leftLung)
	fg := float64(70*150 + 60*140)
	// Sure everywhere and equal to the mask: no uncertainty, soft Dice
	// 2*0.98*fg / (0.98*fg + 0.02*(n-fg) + fg).
	r := Measure(clean, probOf(0.02, 0.98, rightLung, leftLung))
	n := 224.0 * 224
	if f := r.Features; f.Uncertain != 0 || f.CleanChange != 0 ||
		math.Abs(f.SoftDice-2*0.98*fg/(0.98*fg+0.02*(n-fg)+fg)) > 1e-6 {
		t.Errorf("sure mask: %+v", f)
	}
	// A hesitant band (p = 0.5: uncertain, and not lung after the > 0.5
	// threshold) around the right lung, which the clean-up did not keep.
	band := image.Rect(rightLung.Min.X-4, rightLung.Min.Y-4, rightLung.Max.X+4, rightLung.Max.Y+4)
	p := probOf(0.02, 0.5, band)
	for i, v := range paint(rightLung, leftLung).Pix {
		if v != 0 {
			p[i] = 0.98
		}
	}
	r = Measure(clean, p)
	bandPx := float64(band.Dx()*band.Dy() - rightLung.Dx()*rightLung.Dy())
	if math.Abs(r.Features.Uncertain-bandPx/fg) > 1e-9 || r.Features.CleanChange != 0 {
		t.Errorf("band: uncertain %v (want %v), clean change %v", r.Features.Uncertain, bandPx/fg, r.Features.CleanChange)
	}
}

// TestEstimatorAndLowQuality checks the linear estimate, its clamping and
// the low_quality flag.
func TestEstimatorAndLowQuality(t *testing.T) {
	m := NewMeter(DefaultThresholds())
	m.E = Estimator{Coef: []float64{1, -1, 0, 0, 0, 0, 0}}
	m.T.MinEstDice = 0.9
	clean := paint(rightLung, leftLung)
	r := m.Measure(clean, probOf(0.02, 0.98, rightLung, leftLung))
	if r.EstDice != 1 || slices.Contains(r.Flags, FlagLowQuality) {
		t.Errorf("sure mask: est %v flags %v", r.EstDice, r.Flags)
	}
	p := probOf(0.3, 0.98, rightLung, leftLung) // whole background uncertain
	r = m.Measure(clean, p)
	if r.EstDice != 0 || !slices.Contains(r.Flags, FlagLowQuality) {
		t.Errorf("uncertain mask: est %v (clamped to 0 expected) flags %v", r.EstDice, r.Flags)
	}
	if got := (Estimator{Coef: []float64{1}}).Estimate(r); !math.IsNaN(got) {
		t.Errorf("wrong coefficient count gave %v", got)
	}
	if len(TermNames()) != len(Terms(r)) {
		t.Errorf("%d term names for %d terms", len(TermNames()), len(Terms(r)))
	}
}

// BenchmarkMeasure times the per-mask QA of a build: shape measures
// alone (no probabilities) and with the raw-mask components, the quality
// features and the estimate. Compare with a build's worker time per image
// (about 57 ms, bench/RESULTS.md) for the cost of est_dice.
func BenchmarkMeasure(b *testing.B) {
	clean := paint(rightLung, leftLung)
	p := probOf(0.02, 0.98, rightLung, leftLung)
	for i := 0; i < len(p); i += 97 {
		p[i] = 0.5 // some uncertain pixels and specks
	}
	m := NewMeter(DefaultThresholds())
	b.Run("shape", func(b *testing.B) {
		for range b.N {
			m.Measure(clean, nil)
		}
	})
	b.Run("with_est_dice", func(b *testing.B) {
		for range b.N {
			m.Measure(clean, p)
		}
	})
}
