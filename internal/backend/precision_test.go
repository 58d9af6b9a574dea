package backend

import (
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/lungdata/lungdatatest"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/testenv"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// TestPrecisionErrors checks the refusals that need no ONNX Runtime: each
// says what to do instead.
func TestPrecisionErrors(t *testing.T) {
	own := weightsBytes(t, "saunet", 4, nil)
	dir := t.TempDir()
	fp32ONNX := filepath.Join(dir, "fp32.onnx")
	w, err := safetensors.Read(own)
	if err != nil {
		t.Fatal(err)
	}
	if err := onnx.WriteFile(fp32ONNX, w, onnx.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"native int8", Config{Kind: Native, Precision: PrecisionInt8}, "--backend onnxruntime"},
		{"unknown", Config{Kind: ONNXRuntime, Precision: "fp16"}, `precision "fp16" unknown`},
		{"own weights, no ranges", Config{Kind: ONNXRuntime, Weights: own, Precision: PrecisionInt8}, "--calibrate DIR"},
		{"fp32 ONNX as int8", Config{Kind: ONNXRuntime, ModelPath: fp32ONNX, Precision: PrecisionInt8}, "export-onnx --precision int8"},
		{"calibrate an ONNX file", Config{Kind: ONNXRuntime, ModelPath: fp32ONNX, Calibrate: dir}, "--calibrate applies to safetensors"},
		{"other weights' ranges", Config{Kind: ONNXRuntime, Weights: own, Precision: PrecisionInt8, Calibrate: writeEmbeddedCalibration(t, dir)}, "measure ranges for these weights"},
	} {
		b, _, err := Open(c.cfg)
		if err == nil {
			b.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to say %q", c.name, err, c.want)
		}
	}
	// auto without ranges for the weights runs fp32 (when the library
	// loads) rather than failing.
	if _, note, err := ortModel(modelSource{name: "own", weights: w, raw: own, sha256: "x"}, Config{}); err != nil || !strings.Contains(note, "fp32 (auto") {
		t.Errorf("auto with own weights: note %q, err %v; want fp32", note, err)
	}
}

func writeEmbeddedCalibration(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "cal.json")
	if err := os.WriteFile(p, weights.DefaultCalibration(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEmbeddedCalibrationChecked: the shipped ranges load for the
// embedded weights, and are refused, saying how to regenerate them, when
// the weights they were measured on are not the embedded ones.
func TestEmbeddedCalibrationChecked(t *testing.T) {
	cal, err := EmbeddedCalibrationFor(weights.Default())
	if err != nil {
		t.Fatalf("embedded calibration: %v", err)
	}
	if cal.Images < 100 || cal.Method != "minmax" || !strings.Contains(cal.Source, "train split only") {
		t.Errorf("embedded calibration %d images, method %q, source %q", cal.Images, cal.Method, cal.Source)
	}
	_, err = checkedCalibration(weights.DefaultCalibration(), strings.Repeat("0", 64))
	if err == nil || !strings.Contains(err.Error(), "go generate ./internal/weights") {
		t.Errorf("mismatched weights: err = %v, want a refusal naming the regeneration command", err)
	}
	if _, err := EmbeddedCalibrationFor(weightsBytes(t, "saunet", 4, nil)); err == nil || !strings.Contains(err.Error(), "--calibrate DIR") {
		t.Errorf("own weights: err = %v, want a pointer to --calibrate", err)
	}
}

// lungsegTest loads the lungseg test images through the model's
// preprocessing.
func lungsegTest(t *testing.T) ([]float32, []lungdata.Item) {
	t.Helper()
	l, err := lungdata.Open(testenv.SharedPath(t, "data", "lungseg"))
	if err != nil {
		t.Fatal(err)
	}
	items := lungdata.Filter(l.Items, lungdata.Test)
	const plane = segment.Size * segment.Size
	x := make([]float32, len(items)*plane)
	ld, pp := lungdata.NewLoader(), preprocess.New(segment.Size)
	for i, it := range items {
		img, err := ld.Image(it)
		if err != nil {
			t.Fatal(err)
		}
		if err := pp.Apply(x[i*plane:(i+1)*plane], img); err != nil {
			t.Fatal(err)
		}
	}
	return x, items
}

// TestInt8AgreesWithFP32 runs the embedded weights on every lungseg test
// image in fp32 and int8 on ONNX Runtime and compares the product's masks
// (thresholded and cleaned): mean Dice at least 0.995 (issue 14's target)
// and no image under 0.97 (measured: 0.983; the margin is for other CPUs, whose int8 kernels round differently).
func TestInt8AgreesWithFP32(t *testing.T) {
	needORT(t)
	x, items := lungsegTest(t)
	const plane = segment.Size * segment.Size
	const batch = 8
	probs := map[string][]float32{}
	for _, p := range []string{PrecisionFP32, PrecisionInt8} {
		b, why, err := Open(Config{Kind: ONNXRuntime, Precision: p, Threads: 2, Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(why, p) || !strings.Contains(b.Name(), p) {
			t.Errorf("%s: reason %q, name %q do not say %s", p, why, b.Name(), p)
		}
		out := make([]float32, len(x))
		for i := 0; i < len(items); i += batch {
			n := min(batch, len(items)-i)
			if err := b.Predict(x[i*plane:(i+n)*plane], n, out[i*plane:(i+n)*plane]); err != nil {
				t.Fatal(err)
			}
		}
		b.Close()
		probs[p] = out
	}
	cl := imgproc.NewCleaner(imgproc.DefaultCleanParams())
	m32 := image.NewGray(image.Rect(0, 0, segment.Size, segment.Size))
	m8 := image.NewGray(m32.Rect)
	var sum, worst, maxDiff float64 = 0, 1, 0
	worstID := ""
	for i, it := range items {
		p32, p8 := probs[PrecisionFP32][i*plane:(i+1)*plane], probs[PrecisionInt8][i*plane:(i+1)*plane]
		for j := range p32 {
			maxDiff = math.Max(maxDiff, math.Abs(float64(p32[j]-p8[j])))
		}
		cl.Clean(m32, p32)
		cl.Clean(m8, p8)
		var inter, a, b float64
		for j := range m32.Pix {
			f, q := m32.Pix[j] > 127, m8.Pix[j] > 127
			if f {
				a++
			}
			if q {
				b++
			}
			if f && q {
				inter++
			}
		}
		d := 1.0
		if a+b > 0 {
			d = 2 * inter / (a + b)
		}
		sum += d
		if d < worst {
			worst, worstID = d, it.ID
		}
	}
	mean := sum / float64(len(items))
	t.Logf("int8 vs fp32 on %d lungseg test images: mean Dice of the cleaned masks %.5f, worst %.5f (%s), max |prob diff| %.3f", len(items), mean, worst, worstID, maxDiff)
	if mean < 0.995 || worst < 0.97 {
		t.Errorf("int8 masks agree with fp32 at mean Dice %.5f (want >= 0.995), worst %.5f (want >= 0.97)", mean, worst)
	}
}

// TestCalibrateReproducesEmbedded reruns the documented calibration
// command's measurement (Calibrate on lungseg's training images, default
// settings) and checks it gives the shipped ranges: the file in
// internal/weights is what its command makes.
func TestCalibrateReproducesEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("calibration runs 256 images")
	}
	needORT(t)
	data := testenv.SharedPath(t, "data", "lungseg")
	got, err := Calibrate(context.Background(), weights.Default(), CalibrateOptions{Data: data, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	want, err := EmbeddedCalibrationFor(weights.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got.Images != want.Images || got.Source != want.Source || got.WeightsSHA256 != want.WeightsSHA256 || len(got.Ranges) != len(want.Ranges) {
		t.Fatalf("calibration %d images from %q (%d ranges), embedded %d from %q (%d ranges)", got.Images, got.Source, len(got.Ranges), want.Images, want.Source, len(want.Ranges))
	}
	for k, w := range want.Ranges {
		g := got.Ranges[k]
		for i := range g {
			if math.Abs(float64(g[i]-w[i])) > 1e-3*math.Max(1, math.Abs(float64(w[i]))) {
				t.Errorf("range of %s: measured %v, embedded %v", k, g, w)
				break
			}
		}
	}
}

// TestCalibrateOwnWeights runs a user's weights in int8 with --calibrate
// DIR: the ranges are measured on DIR's training images at Open, and the
// reason says so.
func TestCalibrateOwnWeights(t *testing.T) {
	needORT(t)
	dir := lungdatatest.Write(t, lungdatatest.Options{N: 8, Validate: 2})
	own := weightsBytes(t, "saunet", 4, nil)
	for _, p := range []string{PrecisionInt8, PrecisionAuto} {
		b, why, err := Open(Config{Kind: ONNXRuntime, Weights: own, Precision: p, Calibrate: dir, Threads: 1, Batch: 2})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !strings.Contains(why, "calibrated now on 6 images") || !strings.Contains(b.Name(), "int8") {
			t.Errorf("%s: reason %q, name %q: want int8 calibrated on the 6 training images", p, why, b.Name())
		}
		smoke(t, b)
		b.Close()
	}
}

// TestAutoPrecisionChoice: auto runs int8 on the CPU where ranges exist,
// and fp32 on CUDA (int8 was measured faster on CPUs only) or without
// ranges. It checks the graph chosen, so it needs no ONNX Runtime.
func TestAutoPrecisionChoice(t *testing.T) {
	src, err := loadModel(Config{})
	if err != nil {
		t.Fatal(err)
	}
	own, err := loadModel(Config{Weights: weightsBytes(t, "saunet", 4, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		src  modelSource
		cfg  Config
		want string
	}{
		{"embedded, CPU", src, Config{}, "int8 (auto)"},
		{"embedded, CUDA", src, Config{CUDA: true}, "fp32 (auto: on CUDA"},
		{"embedded, CUDA, int8 asked", src, Config{CUDA: true, Precision: PrecisionInt8}, "int8 (requested)"},
		{"own weights without ranges", own, Config{}, "fp32 (auto: no int8 activation ranges"},
	} {
		_, note, err := ortModel(c.src, c.cfg)
		if err != nil || !strings.Contains(note, c.want) {
			t.Errorf("%s: note %q, err %v; want %q", c.name, note, err, c.want)
		}
	}
}
