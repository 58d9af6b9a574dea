//go:build cgo

package ort

import (
	"errors"
	"fmt"

	ortgo "github.com/yalue/onnxruntime_go"

	"github.com/cxlseg/cxlseg/internal/onnx"
)

// Probe runs a model and returns several of its outputs, whatever their
// shapes: calibration reads the network's inner activations through it
// (onnx.WithOutputs makes them outputs). It is slower than Backend, which
// reuses its buffers, and not safe for concurrent use.
type Probe struct {
	session *ortgo.DynamicAdvancedSession
	outputs []string
}

// OpenProbe loads the library (lib, or Locate's choice) and model, whose
// input is onnx.InputName, to read the named outputs, on threads intra-op
// threads (0: ONNX Runtime's choice).
func OpenProbe(model []byte, outputs []string, lib string, threads int) (*Probe, error) {
	if _, _, err := Load(lib); err != nil {
		return nil, err
	}
	opts, err := ortgo.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("onnxruntime: session options: %w", err)
	}
	defer opts.Destroy()
	if threads > 0 {
		if err := opts.SetIntraOpNumThreads(threads); err != nil {
			return nil, fmt.Errorf("onnxruntime: set %d threads: %w", threads, err)
		}
	}
	s, err := ortgo.NewDynamicAdvancedSessionWithONNXData(model, []string{onnx.InputName}, outputs, opts)
	if err != nil {
		return nil, fmt.Errorf("onnxruntime: create probe session: %w", err)
	}
	return &Probe{session: s, outputs: outputs}, nil
}

// Run feeds n images of size x size (in, NCHW) and returns the outputs'
// values in the order OpenProbe named them.
func (p *Probe) Run(in []float32, n, size int) ([][]float32, error) {
	if p.session == nil {
		return nil, errors.New("onnxruntime: probe is closed")
	}
	if n < 1 || len(in) < n*size*size {
		return nil, fmt.Errorf("onnxruntime: probe: %d images of %dx%d need %d values, have %d", n, size, size, n*size*size, len(in))
	}
	x, err := ortgo.NewTensor(ortgo.NewShape(int64(n), 1, int64(size), int64(size)), in[:n*size*size])
	if err != nil {
		return nil, fmt.Errorf("onnxruntime: probe input: %w", err)
	}
	defer x.Destroy()
	outs := make([]ortgo.Value, len(p.outputs)) // nil: ONNX Runtime allocates them
	if err := p.session.Run([]ortgo.Value{x}, outs); err != nil {
		return nil, fmt.Errorf("onnxruntime: probe run: %w", err)
	}
	vals := make([][]float32, len(outs))
	var errs []error
	for i, o := range outs {
		t, ok := o.(*ortgo.Tensor[float32])
		if !ok {
			errs = append(errs, fmt.Errorf("onnxruntime: probe output %s is %T, want a float32 tensor", p.outputs[i], o))
		} else {
			vals[i] = append([]float32(nil), t.GetData()...)
		}
		if o != nil {
			errs = append(errs, o.Destroy())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return vals, nil
}

// Close releases the session.
func (p *Probe) Close() error {
	if p.session == nil {
		return nil
	}
	err := p.session.Destroy()
	p.session = nil
	return err
}
