package safetensors

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// pyRead parses a safetensors file with nothing but json and struct, so it
// runs wherever Python does; it is an independent reading of the format.
const pyRead = `
import json, struct, sys
data = open(sys.argv[1], 'rb').read()
n, = struct.unpack('<Q', data[:8])
hdr = json.loads(data[8:8+n])
body = data[8+n:]
meta = hdr.pop('__metadata__', {})
out = {'meta': meta, 'tensors': {}}
for name, e in hdr.items():
    assert e['dtype'] == 'F32', e['dtype']
    b, en = e['data_offsets']
    out['tensors'][name] = {'shape': e['shape'], 'data': list(struct.unpack('<%df' % ((en - b) // 4), body[b:en]))}
json.dump(out, sys.stdout)
`

// pyWrite writes a file the way the reference implementation lays it out
// (header padded with spaces to 8 bytes), with F32, F16 and I64 tensors.
const pyWrite = `
import json, struct, sys
tensors = [('a.weight', 'F32', [2, 2], struct.pack('<4f', 1.5, -2, 0.25, 1e-3)),
           ('b.half', 'F16', [3], struct.pack('<3e', 0.5, -65504, 1)),
           ('bn.num_batches_tracked', 'I64', [], struct.pack('<q', 1234))]
hdr, off = {'__metadata__': {'format': 'pt'}}, 0
for name, dt, shape, raw in tensors:
    hdr[name] = {'dtype': dt, 'shape': shape, 'data_offsets': [off, off + len(raw)]}
    off += len(raw)
h = json.dumps(hdr).encode()
h += b' ' * (-len(h) % 8)
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + b''.join(t[3] for t in tensors))
`

func TestPythonReadsOurs(t *testing.T) {
	python := testenv.Python(t)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	ts := []Tensor{
		{Name: "e1.0.weight", Shape: []int{2, 1, 3, 3}, Data: seq(18)},
		{Name: "out.bias", Shape: []int{1}, Data: []float32{-0.125}},
	}
	meta := map[string]string{"arch": "saunet", "preprocess": "gray>area224>clahe2.0x8>unit"}
	if err := WriteFile(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", pyRead, path).Output()
	if err != nil {
		t.Fatalf("python could not read our file: %v", err)
	}
	var got struct {
		Meta    map[string]string
		Tensors map[string]struct {
			Shape []int
			Data  []float64
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Meta, meta) {
		t.Errorf("python saw metadata %v, want %v", got.Meta, meta)
	}
	for _, want := range ts {
		g := got.Tensors[want.Name]
		if !reflect.DeepEqual(g.Shape, want.Shape) || len(g.Data) != len(want.Data) {
			t.Fatalf("%s: python saw shape %v with %d values", want.Name, g.Shape, len(g.Data))
		}
		for i, v := range want.Data {
			if float32(g.Data[i]) != v {
				t.Errorf("%s[%d]: python saw %v, want %v", want.Name, i, g.Data[i], v)
			}
		}
	}
}

func TestWeReadPython(t *testing.T) {
	python := testenv.Python(t)
	path := filepath.Join(t.TempDir(), "py.safetensors")
	if out, err := exec.Command(python, "-c", pyWrite, path).CombinedOutput(); err != nil {
		t.Fatalf("python write: %v\n%s", err, out)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{
		"a.weight":               {1.5, -2, 0.25, float32(math.Float32frombits(0x3a83126f))},
		"b.half":                 {0.5, -65504, 1},
		"bn.num_batches_tracked": {1234},
	}
	for name, w := range want {
		if got := f.Tensors[name].Data; !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
	if f.Metadata["format"] != "pt" {
		t.Errorf("metadata %v", f.Metadata)
	}
}
