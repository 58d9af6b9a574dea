package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		ts   []Tensor
		meta map[string]string
	}{
		{"empty file", nil, nil},
		{"metadata only", nil, map[string]string{"arch": "saunet", "base": "16"}},
		{"scalar", []Tensor{{Name: "s", Shape: []int{}, Data: []float32{3.5}}}, nil},
		{"zero-size", []Tensor{{Name: "z", Shape: []int{0, 4}, Data: []float32{}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}}, nil},
		{"conv weights", []Tensor{
			{Name: "e1.0.weight", Shape: []int{2, 1, 3, 3}, Data: seq(18)},
			{Name: "e1.0.bias", Shape: []int{2}, Data: []float32{-1, float32(math.Inf(1))}},
			{Name: "out.weight", Shape: []int{1, 2, 1, 1}, Data: []float32{float32(math.SmallestNonzeroFloat32), -0}},
		}, map[string]string{"preprocess": "gray>area224>clahe2.0x8>unit", "quote\"<&>": "ünïcode\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, c.ts, c.meta); err != nil {
				t.Fatal(err)
			}
			if n := binary.LittleEndian.Uint64(buf.Bytes()); (8+n)%8 != 0 {
				t.Errorf("header length %d leaves the data unaligned", n)
			}
			f, err := Read(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Tensors) != len(c.ts) || len(f.Names) != len(c.ts) {
				t.Fatalf("got %d tensors (%d names), want %d", len(f.Tensors), len(f.Names), len(c.ts))
			}
			for _, want := range c.ts {
				got, ok := f.Tensors[want.Name]
				if !ok {
					t.Fatalf("tensor %q missing", want.Name)
				}
				if !reflect.DeepEqual(got.Shape, want.Shape) && !(len(got.Shape) == 0 && len(want.Shape) == 0) {
					t.Errorf("%s: shape %v, want %v", want.Name, got.Shape, want.Shape)
				}
				if len(got.Data) != len(want.Data) {
					t.Fatalf("%s: %d values, want %d", want.Name, len(got.Data), len(want.Data))
				}
				for i := range want.Data {
					if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
						t.Errorf("%s[%d] = %v, want %v", want.Name, i, got.Data[i], want.Data[i])
					}
				}
			}
			for i := 1; i < len(f.Names); i++ {
				if f.Names[i-1] >= f.Names[i] {
					t.Errorf("names not sorted: %v", f.Names)
				}
			}
			if len(c.meta) == 0 && len(f.Metadata) != 0 || len(c.meta) > 0 && !reflect.DeepEqual(f.Metadata, c.meta) {
				t.Errorf("metadata %v, want %v", f.Metadata, c.meta)
			}
			if f.Metadata == nil {
				t.Error("metadata is nil, want an empty map")
			}
		})
	}
}

// TestDeterministic checks that input order does not change the bytes.
func TestDeterministic(t *testing.T) {
	a := []Tensor{{Name: "b", Shape: []int{2}, Data: []float32{1, 2}}, {Name: "a", Shape: []int{1}, Data: []float32{3}}, {Name: "c", Shape: []int{1}, Data: []float32{4}}}
	b := []Tensor{a[2], a[0], a[1]}
	meta := map[string]string{"z": "1", "a": "2", "m": "3"}
	var x, y bytes.Buffer
	if err := Write(&x, a, meta); err != nil {
		t.Fatal(err)
	}
	if err := Write(&y, b, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Error("same tensors in another order give different bytes")
	}
	if a[0].Name != "b" {
		t.Error("Write reordered the caller's slice")
	}
	hdr := string(x.Bytes()[8:])
	if i, j := strings.Index(hdr, `"a"`), strings.Index(hdr, `"b"`); i < 0 || j < 0 || i > j {
		t.Errorf("tensors not in name order in header %q", hdr)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name string
		ts   []Tensor
		want string
	}{
		{"empty name", []Tensor{{Name: "", Shape: []int{1}, Data: []float32{1}}}, "empty name"},
		{"reserved name", []Tensor{{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}}, "reserved"},
		{"duplicate", []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}}, "duplicate"},
		{"size mismatch", []Tensor{{Name: "a", Shape: []int{2, 2}, Data: []float32{1}}}, "needs 4 values"},
		{"negative dim", []Tensor{{Name: "a", Shape: []int{-1}, Data: nil}}, "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, c.ts, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := []Tensor{{Name: "a", Shape: []int{3}, Data: []float32{1, 2, 3}}}
	if err := WriteFile(path, ts, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Tensors["a"].Data; !reflect.DeepEqual(got, ts[0].Data) || f.Metadata["k"] != "v" {
		t.Errorf("read back %v %v", got, f.Metadata)
	}
	// A failing write leaves the old file and no temporary behind.
	bad := []Tensor{{Name: "a", Shape: []int{5}, Data: []float32{1}}}
	if err := WriteFile(path, bad, nil); err == nil {
		t.Fatal("WriteFile accepted a bad tensor")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed write, want 1", len(entries))
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("old file damaged: %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "w.safetensors"), ts, nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("write into a missing directory: err = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("read of a missing file: err = %v, want the path in it", err)
	}
}

// TestReadDtypes builds files by hand with each non-F32 dtype.
func TestReadDtypes(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		dtype string
		raw   []byte
		want  []float32
	}{
		{"F16", le.AppendUint16(le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0x3c00), 0xc000), 0x0001), 0x7c00), []float32{1, -2, 5.9604645e-08, float32(math.Inf(1))}},
		{"BF16", le.AppendUint16(le.AppendUint16(nil, 0x3f80), 0xc040), []float32{1, -3}},
		{"F64", le.AppendUint64(nil, math.Float64bits(0.25)), []float32{0.25}},
		{"I64", le.AppendUint64(nil, uint64(0xffffffffffffffff)), []float32{-1}},
		{"I32", le.AppendUint32(nil, 7), []float32{7}},
		{"I8", []byte{0xfe}, []float32{-2}},
		{"U8", []byte{200}, []float32{200}},
		{"BOOL", []byte{0, 1}, []float32{0, 1}},
	}
	for _, c := range cases {
		t.Run(c.dtype, func(t *testing.T) {
			hdr := `{"x":{"dtype":"` + c.dtype + `","shape":[` + strconv.Itoa(len(c.want)) + `],"data_offsets":[0,` + strconv.Itoa(len(c.raw)) + `]}}`
			f, err := Read(build(hdr, c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Tensors["x"].Data; !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestReadHostile lists malformed files and the error each must give.
func TestReadHostile(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	four := []byte{0, 0, 128, 63}
	huge := make([]byte, 8)
	binary.LittleEndian.PutUint64(huge, math.MaxUint64)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than"},
		{"length past end", build(ok, four)[:20], "past the end"},
		{"huge length", huge, "exceeds"},
		{"not json", build("{nope", nil), "header"},
		{"array", build("[]", nil), "not a JSON object"},
		{"duplicate", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, four), "duplicate"},
		{"bad dtype", build(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), "not supported"},
		{"negative shape", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, four), "tensor \"a\""},
		{"backwards", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, four), "backwards"},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, four), "want 2"},
		{"shape too small", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, append(four, four...)), "needs 4 bytes"},
		{"shape too large", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, four), "does not fit"},
		{"shape overflow", build(`{"a":{"dtype":"F32","shape":[65536,65536,65536,4],"data_offsets":[0,4]}}`, four), "does not fit"},
		{"dimension too large", build(`{"a":{"dtype":"F32","shape":[4294967296,0],"data_offsets":[0,0]}}`, nil), "too large"},
		{"past data", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, four), "run past"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, four), "overlap"},
		{"hole", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, append(four, four...)), "hole"},
		{"extra data", build(ok, append(four, 1)), "cover"},
		{"metadata not strings", build(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
		{"trailing", build(`{} x`, nil), "trailing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// build assembles a file from a header (padded to 8 bytes) and data.
func build(header string, data []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

func seq(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i)*0.5 - 3
	}
	return s
}

func TestGet(t *testing.T) {
	f := &File{Tensors: map[string]Tensor{"w": {Name: "w", Shape: []int{2, 3}, Data: seq(6)}}}
	if d, err := f.Get("w", 2, 3); err != nil || len(d) != 6 {
		t.Errorf("Get(w, 2, 3) = %d values, %v", len(d), err)
	}
	for _, c := range []struct {
		name  string
		shape []int
		want  string
	}{{"w", []int{3, 2}, "want [3 2]"}, {"w", []int{6}, "want [6]"}, {"x", nil, "missing"}} {
		if _, err := f.Get(c.name, c.shape...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Get(%s, %v): err = %v, want %q", c.name, c.shape, err, c.want)
		}
	}
}
