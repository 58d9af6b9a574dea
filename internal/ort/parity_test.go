//go:build cgo

package ort

import (
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestParityTorch runs the same random SA-UNet weights through PyTorch's
// reference model (../shared/bench/ref_saunet.py, eval mode) and through
// our ONNX export on ONNX Runtime, on real X-rays: two implementations we
// did not write must agree with our export within 1e-4 on probabilities.
func TestParityTorch(t *testing.T) {
	needLib(t)
	testenv.Python(t, "torch", "numpy")
	shared := testenv.SharedDir(t)
	const size = 224
	x, ids, err := onnxtest.RealXrays(shared, 1, size)
	if err != nil {
		t.Fatal(err)
	}
	n := len(ids)
	dir := t.TempDir()
	weights := filepath.Join(dir, "w.safetensors")
	ts := onnxtest.RandomSAUNet(16, 11)
	if err := safetensors.WriteFile(weights, ts, map[string]string{"architecture": "saunet"}); err != nil {
		t.Fatal(err)
	}
	w, err := safetensors.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	model, err := onnx.Marshal(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(Config{Model: model, Threads: 1, MaxBatch: n})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := make([]float32, len(x))
	if err := b.Predict(x, n, got); err != nil {
		t.Fatal(err)
	}
	want, err := onnxtest.TorchSAUNet(testenv.ModuleRoot(t), shared, weights, dir, x, n, size)
	if err != nil {
		t.Fatal(err)
	}
	d, at := onnxtest.MaxAbsDiff(got, want)
	t.Logf("ONNX Runtime vs PyTorch on %d real X-rays %v: max abs diff of probabilities %.3g (at image %d)", n, ids, d, at/(size*size))
	if d > 1e-4 {
		t.Errorf("max abs diff %.3g > 1e-4 (image %s, pixel %d: ort %v, torch %v)", d, ids[at/(size*size)], at%(size*size), got[at], want[at])
	}
	// The comparison means something only if the outputs vary.
	lo, hi := want[0], want[0]
	for _, p := range want {
		lo, hi = min(lo, p), max(hi, p)
	}
	if hi-lo < 0.05 {
		t.Errorf("torch probabilities span only [%v, %v]: the test weights are degenerate", lo, hi)
	}
}
