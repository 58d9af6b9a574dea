//go:build !cgo

package ort

// Probe is unavailable without cgo; OpenProbe always fails.
type Probe struct{}

// OpenProbe reports that ONNX Runtime needs cgo.
func OpenProbe(model []byte, outputs []string, lib string, threads int) (*Probe, error) {
	return nil, ErrNoCgo
}

// Run reports that ONNX Runtime needs cgo.
func (p *Probe) Run(in []float32, n, size int) ([][]float32, error) { return nil, ErrNoCgo }

// Close does nothing.
func (p *Probe) Close() error { return nil }
