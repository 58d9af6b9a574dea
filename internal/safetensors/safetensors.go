// Package safetensors reads and writes the safetensors format
// (https://github.com/huggingface/safetensors) for float32 tensors: an 8-byte
// little-endian header length, a JSON header mapping tensor names to dtype,
// shape and byte offsets (plus an optional "__metadata__" object of strings),
// then the raw little-endian tensor bytes.
//
// Files are written with float32 ("F32") tensors only, sorted by name, so the
// same tensors and metadata always give the same bytes. Reading also accepts
// the other numeric dtypes a PyTorch state_dict may hold (F16, BF16, F64 and
// the integer types, e.g. BatchNorm's I64 num_batches_tracked) and converts
// them to float32. The reader treats its input as hostile: every length and
// offset is checked before use, and bad input gives an error, never a panic.
package safetensors

import "fmt"

// Tensor is one named float32 tensor, stored row-major (C order).
type Tensor struct {
	// Name is the tensor's key, e.g. "e1.0.weight".
	Name string
	// Shape lists the dimensions; an empty shape is a scalar.
	Shape []int
	// Data holds product(Shape) values.
	Data []float32
}

// NumElements returns the product of the tensor's dimensions.
func (t Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is the parsed content of a safetensors file.
type File struct {
	// Tensors maps each name to its tensor.
	Tensors map[string]Tensor
	// Names lists the tensor names in sorted order.
	Names []string
	// Metadata is the "__metadata__" object; empty (not nil) when absent.
	Metadata map[string]string
}

// metadataKey is the reserved header key for the string metadata.
const metadataKey = "__metadata__"

// maxHeaderSize bounds the JSON header so a hostile length field cannot make
// the reader allocate or scan gigabytes; the reference implementation uses
// the same 100 MB limit.
const maxHeaderSize = 100 << 20

// Get returns the data of the tensor called name after checking that its
// shape is shape, so a loader reports a missing or misshapen weight by name.
func (f *File) Get(name string, shape ...int) ([]float32, error) {
	t, ok := f.Tensors[name]
	if !ok {
		return nil, fmt.Errorf("safetensors: tensor %q missing", name)
	}
	if len(t.Shape) != len(shape) {
		return nil, fmt.Errorf("safetensors: tensor %q has shape %v, want %v", name, t.Shape, shape)
	}
	for i := range shape {
		if t.Shape[i] != shape[i] {
			return nil, fmt.Errorf("safetensors: tensor %q has shape %v, want %v", name, t.Shape, shape)
		}
	}
	return t.Data, nil
}
