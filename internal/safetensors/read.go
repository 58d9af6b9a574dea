package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
)

// ReadFile reads and parses the safetensors file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, nil
}

// Read parses a whole safetensors file held in data. It checks, before using
// them, the header length, the JSON header, each dtype and shape (no
// overflow), and that the tensors' byte ranges lie inside the data, agree
// with their shapes and tile the data section exactly without overlapping,
// as the reference implementation requires. Tensors of dtypes other than F32
// are converted to float32. The returned tensors do not alias data.
func Read(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeaderSize {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d-byte limit", n, maxHeaderSize)
	}
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("safetensors: header length %d runs past the end of the %d-byte file", n, len(data))
	}
	header := data[8 : 8+n]
	body := data[8+n:]
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(entries, uint64(len(body))); err != nil {
		return nil, err
	}
	f := &File{
		Tensors:  make(map[string]Tensor, len(entries)),
		Names:    make([]string, 0, len(entries)),
		Metadata: meta,
	}
	for _, e := range entries {
		raw := body[e.begin:e.end]
		vals, err := convert(raw, e.dtype)
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %w", e.name, err)
		}
		shape := make([]int, len(e.shape))
		for i, d := range e.shape {
			shape[i] = int(d)
		}
		f.Tensors[e.name] = Tensor{Name: e.name, Shape: shape, Data: vals}
		f.Names = append(f.Names, e.name)
	}
	sort.Strings(f.Names)
	return f, nil
}

// entry is one tensor's header record after validation of its fields.
type entry struct {
	name       string
	dtype      string
	shape      []uint64
	begin, end uint64
}

// rawEntry is a tensor's header record as JSON.
type rawEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// parseHeader decodes the JSON header with a token stream rather than into a
// map, so that a duplicated key is an error instead of silently shadowing the
// earlier record.
func parseHeader(header []byte) ([]entry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: header: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("safetensors: header is not a JSON object")
	}
	meta := map[string]string{}
	seen := map[string]bool{}
	var entries []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: header: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, errors.New("safetensors: header: object key is not a string")
		}
		if seen[key] {
			return nil, nil, fmt.Errorf("safetensors: header: duplicate key %q", key)
		}
		seen[key] = true
		if key == "" {
			return nil, nil, errors.New("safetensors: header: tensor with an empty name")
		}
		if key == metadataKey {
			var m map[string]string
			if err := dec.Decode(&m); err != nil {
				return nil, nil, fmt.Errorf("safetensors: header: %s must map strings to strings: %w", metadataKey, err)
			}
			for k, v := range m {
				meta[k] = v
			}
			continue
		}
		var r rawEntry
		if err := dec.Decode(&r); err != nil {
			return nil, nil, fmt.Errorf("safetensors: header: tensor %q: %w", key, err)
		}
		e, err := validateEntry(key, r)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, fmt.Errorf("safetensors: header: %w", err)
	}
	// Only padding may follow the object.
	if len(bytes.TrimRight(header[dec.InputOffset():], " \t\r\n\x00")) != 0 {
		return nil, nil, errors.New("safetensors: header: trailing data after the JSON object")
	}
	return entries, meta, nil
}

// validateEntry checks one record's dtype, shape and offsets in isolation.
func validateEntry(name string, r rawEntry) (entry, error) {
	size, ok := dtypeSize[r.Dtype]
	if !ok {
		return entry{}, fmt.Errorf("safetensors: tensor %q: dtype %q not supported (want F32, F16, BF16, F64 or an integer type)", name, r.Dtype)
	}
	if len(r.DataOffsets) != 2 {
		return entry{}, fmt.Errorf("safetensors: tensor %q: data_offsets has %d values, want 2", name, len(r.DataOffsets))
	}
	begin, end := r.DataOffsets[0], r.DataOffsets[1]
	if begin > end {
		return entry{}, fmt.Errorf("safetensors: tensor %q: data_offsets [%d,%d] run backwards", name, begin, end)
	}
	// Compute the element count with overflow checks: the byte length
	// bounds any valid count, so stop as soon as the product passes it.
	limit := (end - begin) / size
	count := uint64(1)
	for _, d := range r.Shape {
		if d > math.MaxInt32 {
			return entry{}, fmt.Errorf("safetensors: tensor %q: dimension %d in shape %v is too large", name, d, r.Shape)
		}
		if d == 0 {
			count = 0
			break
		}
	}
	for _, d := range r.Shape {
		if count == 0 {
			break
		}
		if count > limit/d {
			return entry{}, fmt.Errorf("safetensors: tensor %q: shape %v does not fit its %d bytes", name, r.Shape, end-begin)
		}
		count *= d
	}
	if count > math.MaxInt32 || count*size != end-begin {
		return entry{}, fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, data_offsets give %d", name, r.Shape, r.Dtype, count*size, end-begin)
	}
	return entry{name: name, dtype: r.Dtype, shape: r.Shape, begin: begin, end: end}, nil
}

// checkLayout checks that the byte ranges lie inside the data section and
// cover it exactly, in some order, with no overlap and no hole.
func checkLayout(entries []entry, bodyLen uint64) error {
	order := make([]entry, len(entries))
	copy(order, entries)
	sort.Slice(order, func(i, j int) bool {
		if order[i].begin != order[j].begin {
			return order[i].begin < order[j].begin
		}
		return order[i].end < order[j].end
	})
	var pos uint64
	for _, e := range order {
		if e.begin != pos {
			if e.begin < pos {
				return fmt.Errorf("safetensors: tensor %q: bytes [%d,%d) overlap the previous tensor (ends at %d)", e.name, e.begin, e.end, pos)
			}
			return fmt.Errorf("safetensors: tensor %q: bytes [%d,%d) leave a hole after offset %d", e.name, e.begin, e.end, pos)
		}
		if e.end > bodyLen {
			return fmt.Errorf("safetensors: tensor %q: bytes [%d,%d) run past the %d-byte data section", e.name, e.begin, e.end, bodyLen)
		}
		pos = e.end
	}
	if pos != bodyLen {
		return fmt.Errorf("safetensors: data section is %d bytes but tensors cover %d", bodyLen, pos)
	}
	return nil
}

// dtypeSize gives the element size in bytes of each dtype Read accepts.
var dtypeSize = map[string]uint64{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2,
	"I64": 8, "I32": 4, "I16": 2, "I8": 1,
	"U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
}

// convert decodes raw little-endian values of dtype into float32.
func convert(raw []byte, dtype string) ([]float32, error) {
	le := binary.LittleEndian
	size := int(dtypeSize[dtype])
	out := make([]float32, len(raw)/size)
	for i := range out {
		b := raw[i*size : (i+1)*size]
		switch dtype {
		case "F32":
			out[i] = math.Float32frombits(le.Uint32(b))
		case "F64":
			out[i] = float32(math.Float64frombits(le.Uint64(b)))
		case "F16":
			out[i] = halfToFloat(le.Uint16(b))
		case "BF16":
			out[i] = math.Float32frombits(uint32(le.Uint16(b)) << 16)
		case "I64":
			out[i] = float32(int64(le.Uint64(b)))
		case "I32":
			out[i] = float32(int32(le.Uint32(b)))
		case "I16":
			out[i] = float32(int16(le.Uint16(b)))
		case "I8":
			out[i] = float32(int8(b[0]))
		case "U64":
			out[i] = float32(le.Uint64(b))
		case "U32":
			out[i] = float32(le.Uint32(b))
		case "U16":
			out[i] = float32(le.Uint16(b))
		case "U8":
			out[i] = float32(b[0])
		case "BOOL":
			if b[0] != 0 {
				out[i] = 1
			}
		default:
			return nil, fmt.Errorf("dtype %q not supported", dtype)
		}
	}
	return out, nil
}

// halfToFloat converts an IEEE 754 binary16 value to float32 exactly.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0: // signed zero
		return math.Float32frombits(sign)
	default: // subnormal: value = mant * 2^-24
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
}
