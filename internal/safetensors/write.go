package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
)

// Write encodes ts and meta in the safetensors format to w. Tensors are
// laid out in name order, each as F32; the header is padded with spaces to a
// multiple of 8 bytes, as the reference implementation does, so the data
// that follows is aligned. ts itself is not modified.
func Write(w io.Writer, ts []Tensor, meta map[string]string) error {
	sorted, err := checkTensors(ts)
	if err != nil {
		return err
	}
	header, err := encodeHeader(sorted, meta)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	if _, err := bw.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("safetensors: write header length: %w", err)
	}
	if _, err := bw.Write(header); err != nil {
		return fmt.Errorf("safetensors: write header: %w", err)
	}
	var b [4]byte
	for _, t := range sorted {
		for _, v := range t.Data {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			if _, err := bw.Write(b[:]); err != nil {
				return fmt.Errorf("safetensors: write tensor %q: %w", t.Name, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	return nil
}

// WriteFile writes ts and meta to path atomically: the bytes go to a
// temporary file in the same directory, which is synced and renamed over
// path, so readers never see a half-written file.
func WriteFile(path string, ts []Tensor, meta map[string]string) error {
	// Weights are not secret: 0644 like any other output.
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return Write(w, ts, meta) })
}

// checkTensors validates names and sizes and returns the tensors sorted by
// name (a copy of the slice header list; the data is shared).
func checkTensors(ts []Tensor) ([]Tensor, error) {
	sorted := make([]Tensor, len(ts))
	copy(sorted, ts)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for i, t := range sorted {
		if t.Name == "" {
			return nil, fmt.Errorf("safetensors: tensor with an empty name")
		}
		if t.Name == metadataKey {
			return nil, fmt.Errorf("safetensors: tensor name %q is reserved", t.Name)
		}
		if i > 0 && sorted[i-1].Name == t.Name {
			return nil, fmt.Errorf("safetensors: duplicate tensor name %q", t.Name)
		}
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: tensor %q: negative dimension in shape %v", t.Name, t.Shape)
			}
			if d != 0 && n > math.MaxInt32/d {
				return nil, fmt.Errorf("safetensors: tensor %q: shape %v too large", t.Name, t.Shape)
			}
			n *= d
		}
		if n != len(t.Data) {
			return nil, fmt.Errorf("safetensors: tensor %q: shape %v needs %d values, have %d", t.Name, t.Shape, n, len(t.Data))
		}
	}
	return sorted, nil
}

// encodeHeader builds the JSON header by hand so key order is fixed:
// "__metadata__" first (when present), then tensors in name order.
func encodeHeader(sorted []Tensor, meta map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	if len(meta) > 0 {
		// encoding/json writes map keys sorted, which is what we want.
		m, err := json.Marshal(meta)
		if err != nil {
			return nil, fmt.Errorf("safetensors: encode metadata: %w", err)
		}
		buf.WriteString(`"` + metadataKey + `":`)
		buf.Write(m)
		first = false
	}
	var off uint64
	for _, t := range sorted {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		name, err := json.Marshal(t.Name)
		if err != nil {
			return nil, fmt.Errorf("safetensors: encode name %q: %w", t.Name, err)
		}
		buf.Write(name)
		buf.WriteString(`:{"dtype":"F32","shape":[`)
		for i, d := range t.Shape {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Itoa(d))
		}
		end := off + 4*uint64(len(t.Data))
		fmt.Fprintf(&buf, `],"data_offsets":[%d,%d]}`, off, end)
		off = end
	}
	buf.WriteByte('}')
	for buf.Len()%8 != 0 {
		buf.WriteByte(' ')
	}
	return buf.Bytes(), nil
}
