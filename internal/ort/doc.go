// Package ort runs cxlseg's exported ONNX models with ONNX Runtime, as an
// implementation of segment.Backend.
//
// ONNX Runtime is a shared library loaded at run time (dlopen, through
// github.com/yalue/onnxruntime_go), never linked: a build without it, or
// without cgo, still compiles and reports why the backend is unavailable.
// Locate finds the library; scripts/fetch-onnxruntime.sh installs it under
// third_party/onnxruntime/ from the npm package onnxruntime-node.
package ort

import "errors"

// Config says how to open an ONNX Runtime backend.
type Config struct {
	// Model is the ONNX model's bytes; when empty, ModelPath is read.
	Model []byte
	// ModelPath names an ONNX file, used when Model is empty.
	ModelPath string
	// Lib is the path of libonnxruntime.so; empty means Locate's search.
	Lib string
	// Threads is the intra-op thread count; 0 lets ONNX Runtime choose
	// (one per physical core).
	Threads int
	// MaxBatch is the largest batch Predict accepts; 0 means 8. The
	// buffers for it are allocated once, at Open.
	MaxBatch int
	// Size is the input's side in pixels; 0 means segment.Size (224).
	Size int
	// NoSpin stops ONNX Runtime's intra-op threads from busy-waiting for
	// work between operators (its default). Spinning is fastest when the
	// network has the cores to itself; when decoding and encoding workers
	// share them, it burns CPU they need.
	NoSpin bool
	// CUDA selects the CUDA execution provider (device CUDADevice); Open
	// fails with a clear message when the library lacks it.
	CUDA       bool
	CUDADevice int
}

// ErrNoCgo is returned by Open and Load in builds without cgo.
var ErrNoCgo = errors.New("ONNX Runtime needs cgo (this binary was built with CGO_ENABLED=0)")
