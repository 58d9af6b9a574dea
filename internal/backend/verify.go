package backend

import (
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/segment"
)

// Verify runs an exported ONNX model (onnxPath) on ONNX Runtime and the
// weights it came from (safetensors bytes, nil for the embedded default) on
// the native engine, on the same two synthetic images, and returns the
// largest difference between their probabilities. It is how export-onnx
// checks its output by loading it back; the error says why when ONNX
// Runtime cannot run here.
func Verify(onnxPath string, weights []byte, ortLib string, threads int) (float64, error) {
	const n = 2
	in := testPattern(n)
	probs := map[string][]float32{}
	for _, cfg := range []Config{
		{Kind: ONNXRuntime, ModelPath: onnxPath, ORTLib: ortLib, Threads: threads, Batch: n},
		{Kind: Native, Weights: weights, Threads: threads, Batch: n},
	} {
		b, _, err := Open(cfg)
		if err != nil {
			return 0, err
		}
		out := make([]float32, len(in))
		err = b.Predict(in, n, out)
		b.Close()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", cfg.Kind, err)
		}
		probs[cfg.Kind] = out
	}
	var d float64
	for i, p := range probs[Native] {
		x := math.Abs(float64(p) - float64(probs[ONNXRuntime][i]))
		if math.IsNaN(x) {
			return math.Inf(1), nil
		}
		d = math.Max(d, x)
	}
	return d, nil
}

// testPattern returns n smooth, varied images in [0,1]: bright and dark
// regions at several scales, so every layer sees structure.
func testPattern(n int) []float32 {
	const s = segment.Size
	x := make([]float32, n*s*s)
	for b := 0; b < n; b++ {
		for i := 0; i < s*s; i++ {
			r, c := float64(i/s)/s, float64(i%s)/s
			v := 0.5 + 0.3*math.Sin(7*r+3*float64(b))*math.Cos(5*c) + 0.2*math.Sin(40*r*c)
			x[b*s*s+i] = float32(min(max(v, 0), 1))
		}
	}
	return x
}
