//go:build !cgo

package ort

import "github.com/cxlseg/cxlseg/internal/segment"

// Load reports that ONNX Runtime cannot be loaded without cgo.
func Load(lib string) (path, version string, err error) {
	return "", "", ErrNoCgo
}

// Backend is unavailable without cgo; Open always fails.
type Backend struct{}

var _ segment.Backend = (*Backend)(nil)

// Open reports that ONNX Runtime needs cgo.
func Open(cfg Config) (*Backend, error) { return nil, ErrNoCgo }

// Name is never called: no Backend can be opened without cgo.
func (b *Backend) Name() string { return "onnxruntime (unavailable: needs cgo)" }

// Precision is never called: no Backend can be opened without cgo.
func (b *Backend) Precision() string { return "" }

// MaxBatch is zero: no Backend can be opened without cgo.
func (b *Backend) MaxBatch() int { return 0 }

// Predict reports that ONNX Runtime needs cgo.
func (b *Backend) Predict(in []float32, n int, probs []float32) error { return ErrNoCgo }

// Close does nothing.
func (b *Backend) Close() error { return nil }
