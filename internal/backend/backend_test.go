package backend

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/ort"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// weightsBytes returns random weights of arch as safetensors bytes with
// the metadata a trained model carries.
func weightsBytes(t testing.TB, arch string, base int, meta map[string]string) []byte {
	t.Helper()
	ts, err := onnxtest.RandomWeights(arch, base, 3)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{"architecture": arch, preprocess.MetaKey: preprocess.ID}
	for k, v := range meta {
		m[k] = v
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, ts, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ortMissing is a library path that does not exist.
const ortMissing = "/nonexistent/libonnxruntime.so.1"

// needORT skips the test when the ONNX Runtime backend cannot run here,
// or fails it when CXLSEG_REQUIRE_ORT=1 (as CI sets it).
func needORT(t *testing.T) {
	t.Helper()
	_, _, err := ort.Load("")
	if err != nil {
		err = fmt.Errorf("ONNX Runtime unavailable: %w", err)
	}
	testenv.Need(t, ort.EnvRequire, err)
}

// smoke runs one image through b and checks the output is probabilities.
func smoke(t *testing.T, b segment.Backend) {
	t.Helper()
	const plane = segment.Size * segment.Size
	in := make([]float32, plane)
	for i := range in {
		in[i] = float32(i%segment.Size) / segment.Size
	}
	out := make([]float32, plane)
	if err := b.Predict(in, 1, out); err != nil {
		t.Fatal(err)
	}
	for _, p := range out {
		if !(p >= 0 && p <= 1) {
			t.Fatalf("%s gave probability %v", b.Name(), p)
		}
	}
}

// TestLibraryAbsent is the path of a machine without ONNX Runtime: auto
// falls back to the native engine and says why; onnxruntime fails clearly.
func TestLibraryAbsent(t *testing.T) {
	w := weightsBytes(t, "saunet", 4, nil)
	b, why, err := Open(Config{Kind: Auto, Weights: w, ORTLib: ortMissing, Threads: 1, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	t.Logf("auto: %s; %s", why, b.Name())
	if !strings.HasPrefix(why, "native engine") || !strings.Contains(why, "ONNX Runtime is unavailable") || !strings.Contains(b.Name(), "native") {
		t.Errorf("auto without the library chose %q (%s)", why, b.Name())
	}
	// The reason names the missing library, or why none can load here.
	if !strings.Contains(why, ortMissing) && !strings.Contains(why, "cgo") {
		t.Errorf("reason %q does not say what failed", why)
	}
	smoke(t, b)

	_, _, err = Open(Config{Kind: ONNXRuntime, Weights: w, ORTLib: ortMissing})
	if err == nil || !(strings.Contains(err.Error(), ortMissing) || strings.Contains(err.Error(), "cgo")) {
		t.Errorf("onnxruntime without the library: err = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	w := weightsBytes(t, "saunet", 2, nil)
	dir := t.TempDir()
	onnxPath := filepath.Join(dir, "m.onnx")
	f, err := safetensors.Read(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := onnx.WriteFile(onnxPath, f, onnx.Options{}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown kind", Config{Kind: "tpu", Weights: w}, `"tpu" unknown`},
		{"cuda native", Config{Kind: Native, CUDA: true, Weights: w}, "CUDA needs the onnxruntime backend"},
		{"negative", Config{Weights: w, Threads: -2}, "must be positive"},
		{"missing file", Config{ModelPath: filepath.Join(dir, "none.safetensors")}, "none.safetensors"},
		{"garbage", Config{Weights: []byte("nope")}, "read model"},
		{"other preprocessing", Config{Kind: Native, Weights: weightsBytes(t, "saunet", 2, map[string]string{preprocess.MetaKey: "gray>linear224>unit"})}, "preprocessing"},
		{"onnx on native", Config{Kind: Native, ModelPath: onnxPath}, "needs safetensors weights"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _, err := Open(c.cfg)
			if err == nil {
				b.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestNativeDefaultWeights(t *testing.T) {
	b, why, err := Open(Config{Kind: Native, Threads: 1, Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.HasPrefix(why, "native engine: requested") || b.MaxBatch() != 1 {
		t.Errorf("why %q, MaxBatch %d", why, b.MaxBatch())
	}
	smoke(t, b)
}

func TestAutoPrefersORT(t *testing.T) {
	needORT(t)
	b, why, err := Open(Config{Weights: weightsBytes(t, "saunet", 4, nil), Threads: 1, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.HasPrefix(why, "onnxruntime: auto chose") || !strings.Contains(b.Name(), "onnxruntime") {
		t.Errorf("auto with the library chose %q (%s)", why, b.Name())
	}
	smoke(t, b)

	// With --precision fp32, auto takes the native engine where its
	// direct kernels run (faster than ONNX Runtime's fp32), else ONNX
	// Runtime.
	b32, why32, err := Open(Config{Weights: weightsBytes(t, "saunet", 4, nil), Precision: PrecisionFP32, Threads: 1, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b32.Close()
	if got, want := strings.HasPrefix(why32, "native engine: auto chose it for fp32"), nn.FastInference(); got != want {
		t.Errorf("auto fp32 chose %q (%s); direct kernels here: %v", why32, b32.Name(), want)
	}
	smoke(t, b32)

	// An exported .onnx file runs on ONNX Runtime directly.
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	f, _ := safetensors.Read(weightsBytes(t, "unet", 2, nil))
	if err := onnx.WriteFile(path, f, onnx.Options{}); err != nil {
		t.Fatal(err)
	}
	b2, _, err := Open(Config{Kind: ONNXRuntime, ModelPath: path, Threads: 1, Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	smoke(t, b2)
}

// TestParityNativeORT runs the same weights through the native engine and
// ONNX Runtime on real X-rays, for every architecture: the two must agree
// within 1e-4 on probabilities. ONNX Runtime is an implementation we did
// not write, so this checks the engine (and the exporter) against it.
func TestParityNativeORT(t *testing.T) {
	needORT(t)
	shared := testenv.SharedDir(t)
	x, ids, err := onnxtest.RealXrays(shared, 1, segment.Size)
	if err != nil {
		t.Fatal(err)
	}
	n := len(ids)
	cases := []struct {
		name string
		w    []byte // nil: the embedded default weights
	}{
		{"default weights", nil},
		{"saunet random", weightsBytes(t, "saunet", 8, nil)},
		{"unet random", weightsBytes(t, "unet", 8, nil)},
		{"attunet random", weightsBytes(t, "attunet", 8, nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probs := map[string][]float32{}
			for _, kind := range []string{Native, ONNXRuntime} {
				b, _, err := Open(Config{Kind: kind, Weights: c.w, Precision: PrecisionFP32, Threads: 2, Batch: n})
				if err != nil {
					t.Fatal(err)
				}
				out := make([]float32, len(x))
				err = b.Predict(x, n, out)
				b.Close()
				if err != nil {
					t.Fatal(err)
				}
				probs[kind] = out
			}
			d, at := onnxtest.MaxAbsDiff(probs[Native], probs[ONNXRuntime])
			lo, hi := float32(1), float32(0)
			for _, p := range probs[ONNXRuntime] {
				lo, hi = min(lo, p), max(hi, p)
			}
			t.Logf("native vs onnxruntime on %d real X-rays: max abs diff %.3g (probabilities in [%.3f, %.3f])", n, d, lo, hi)
			if d > 1e-4 || math.IsNaN(d) {
				px := segment.Size * segment.Size
				t.Errorf("max abs diff %.3g > 1e-4 at %s pixel %d: native %v, onnxruntime %v", d, ids[at/px], at%px, probs[Native][at], probs[ONNXRuntime][at])
			}
		})
	}
}
