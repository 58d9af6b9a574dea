// Package onnxtest makes weight sets for tests of the exporter and the
// backends: complete SA-UNet state_dicts with random but well-conditioned
// values, so that probabilities are not saturated and differences between
// implementations show.
package onnxtest

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// RandomSAUNet returns SA-UNet weights with base channels n, deterministic
// in seed; see RandomWeights.
func RandomSAUNet(n int, seed uint64) []safetensors.Tensor {
	ts, err := RandomWeights("saunet", n, seed)
	if err != nil {
		panic(err) // "saunet" is always known
	}
	return ts
}

// RandomWeights returns weights of architecture arch (see onnx.Archs) with
// base channels n, deterministic in seed: convolutions uniform in ±sqrt(6/fan-in) (He initialisation, so
// activations neither vanish nor explode through the ReLUs and the
// probabilities spread over (0,1)), BatchNorm statistics and affine
// parameters near 0 and 1, num_batches_tracked 100 (as a float32 scalar,
// like package model writes it).
func RandomWeights(arch string, n int, seed uint64) ([]safetensors.Tensor, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5a))
	shapes, err := onnx.Params(arch, n)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(shapes))
	for k := range shapes {
		names = append(names, k)
	}
	sort.Strings(names) // map order must not change the values
	ts := make([]safetensors.Tensor, 0, len(names))
	for _, name := range names {
		shape := shapes[name]
		size := 1
		for _, d := range shape {
			size *= d
		}
		lo, hi := -0.2, 0.2
		switch {
		case strings.HasSuffix(name, "running_var"):
			lo, hi = 0.5, 1.5
		case len(shape) == 1 && isBN(name, shapes) && strings.HasSuffix(name, ".weight"):
			lo, hi = 0.7, 1.3
		case len(shape) == 4:
			fanIn := shape[1] * shape[2] * shape[3]
			if strings.HasPrefix(name, "u") { // ConvTranspose: [cin, cout, k, k]
				fanIn = shape[0] * shape[2] * shape[3]
			}
			b := math.Sqrt(6 / float64(fanIn)) // He: keeps activations O(1) through ReLUs
			lo, hi = -b, b
		}
		data := make([]float32, size)
		for i := range data {
			data[i] = float32(lo + (hi-lo)*rng.Float64())
		}
		ts = append(ts, safetensors.Tensor{Name: name, Shape: shape, Data: data})
		if strings.HasSuffix(name, ".running_mean") {
			// PyTorch's state_dict holds this counter too; loaders expect it.
			prefix := strings.TrimSuffix(name, ".running_mean")
			ts = append(ts, safetensors.Tensor{Name: prefix + ".num_batches_tracked", Shape: []int{}, Data: []float32{100}})
		}
	}
	return ts, nil
}

// isBN reports whether name belongs to a BatchNorm (it has running stats).
func isBN(name string, shapes map[string][]int) bool {
	prefix := name[:strings.LastIndex(name, ".")]
	_, ok := shapes[prefix+".running_mean"]
	return ok
}

// File wraps tensors and metadata as a parsed safetensors file.
func File(ts []safetensors.Tensor, meta map[string]string) *safetensors.File {
	f := &safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{}}
	for _, t := range ts {
		f.Tensors[t.Name] = t
		f.Names = append(f.Names, t.Name)
	}
	sort.Strings(f.Names)
	for k, v := range meta {
		f.Metadata[k] = v
	}
	return f
}
