package onnx_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// tinyModel uses every field and attribute kind the encoder writes, with
// edge values: negative and zero ints, an omitted optional input, a zero
// dimension, float_data and raw_data tensors, a scalar, an empty metadata
// value and non-ASCII text.
func tinyModel() *onnx.Model {
	shape := []onnx.Dim{{Param: "N"}, {Value: 0}, {Value: 3}, {Value: 300}}
	return &onnx.Model{
		IRVersion:       7,
		OpsetImport:     []onnx.OperatorSetID{{Domain: "", Version: 13}, {Domain: "com.example", Version: 1}},
		ProducerName:    "tiny",
		ProducerVersion: "0.0.1",
		DocString:       "a model with every field the exporter writes",
		Graph: &onnx.Graph{
			Name: "tiny",
			Node: []*onnx.Node{
				{Name: "n1", OpType: "Resize", Input: []string{"x", "", "scales"}, Output: []string{"y"}, Attribute: []*onnx.Attribute{
					{Name: "mode", Type: onnx.AttrString, S: "linear"},
					{Name: "axis", Type: onnx.AttrInt, I: -1},
					{Name: "zero", Type: onnx.AttrInt, I: 0},
					{Name: "alpha", Type: onnx.AttrFloat, F: 0.5},
					{Name: "pads", Type: onnx.AttrInts, Ints: []int64{1, -2, 300, 0}},
					{Name: "fl", Type: onnx.AttrFloats, Floats: []float32{1.5, -2, 0}},
				}},
				{Name: "n2", OpType: "Relu", Input: []string{"y"}, Output: []string{"z"}},
			},
			Initializer: []*onnx.Tensor{
				{Name: "scales", Dims: []int64{4}, DataType: onnx.Float, RawData: []byte{0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0, 0x40}},
				{Name: "fd", Dims: []int64{2, 1}, DataType: onnx.Float, FloatData: []float32{-1, 3.25}},
				{Name: "scalar", DataType: onnx.Float, RawData: []byte{0, 0, 0x80, 0x3f}},
			},
			Input:  []*onnx.ValueInfo{{Name: "x", ElemType: onnx.Float, Shape: shape, DocString: "input doc"}},
			Output: []*onnx.ValueInfo{{Name: "z", ElemType: onnx.Float, Shape: shape}},
		},
		MetadataProps: []onnx.StringStringEntry{{Key: "a", Value: "1"}, {Key: "empty", Value: ""}, {Key: "ü", Value: "ß"}},
	}
}

// TestEncodeGolden compares the encoding with testdata/tiny.onnx, which
// protoc-generated Go code (gonnx's onnx.proto3 types, protobuf-go
// v1.36 deterministic marshalling) wrote for the same model.
func TestEncodeGolden(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tinyModel().Encode(); !bytes.Equal(got, want) {
		t.Errorf("encoding differs from the golden file:\n got %x\nwant %x", got, want)
	}
	meta, err := onnx.Metadata(want)
	if err != nil {
		t.Fatal(err)
	}
	if wantMeta := map[string]string{"a": "1", "empty": "", "ü": "ß"}; !reflect.DeepEqual(meta, wantMeta) {
		t.Errorf("metadata %v, want %v", meta, wantMeta)
	}
}

func TestMetadataErrors(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "no graph"},
		{"no graph", []byte("r\x06\n\x01k\x12\x01v"), "no graph"},
		{"graph not bytes", []byte("8\x01"), "wire type"},
		{"graph truncated", []byte("\x08\x07:\xff\xff\xff\xff\x0f"), "parse model"},
		{"graph garbage", []byte(":\x02\xff\xff"), "graph"},
		{"entry not bytes", []byte(":\x00p\x01"), "metadata_props"},
		{"key not bytes", []byte(":\x00r\x02\x08\x01"), "wire type"},
		{"value not UTF-8", []byte(":\x00r\x06\n\x01k\x12\x01\xff"), "UTF-8"},
		{"bad tag", []byte{0x00}, "tag"},
		{"lone end group", []byte{0x0c}, "field 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			meta, err := onnx.Metadata(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Metadata(%x) = %v, %v; want an error containing %q", c.in, meta, err, c.want)
			}
		})
	}
	// Unknown fields, other wire types and repeated keys are fine; the
	// last value of a key wins.
	ok := []byte(":\x00\x08\x07\x15\x00\x00\x00\x00r\x06\n\x01k\x12\x01vr\x07\n\x01k\x12\x02v2r\x02\x18\x01")
	meta, err := onnx.Metadata(ok)
	if err != nil || !reflect.DeepEqual(meta, map[string]string{"k": "v2", "": ""}) {
		t.Errorf("Metadata(%x) = %v, %v", ok, meta, err)
	}
}

// dump is a model as both Go and Python see it, field by field, for the
// round trip through the onnx package.
type dump struct {
	IRVersion     int64             `json:"ir_version"`
	Opsets        [][2]any          `json:"opsets"`
	Producer      [2]string         `json:"producer"`
	Doc           string            `json:"doc"`
	Graph         string            `json:"graph"`
	Nodes         []dumpNode        `json:"nodes"`
	Inits         []dumpTensor      `json:"inits"`
	Inputs        []dumpValue       `json:"inputs"`
	Outputs       []dumpValue       `json:"outputs"`
	Metadata      map[string]string `json:"metadata"`
	CheckerPassed bool              `json:"checker"`
}

type dumpNode struct {
	Name, Op      string
	Input, Output []string
	Attrs         []dumpAttr
}

type dumpAttr struct {
	Name   string
	Type   int
	F      float32
	I      int64
	S      string
	Floats []float32
	Ints   []int64
}

type dumpTensor struct {
	Name      string
	Dims      []int64
	Type      int
	RawSHA256 string
	Floats    []float32
}

type dumpValue struct {
	Name, Doc string
	Elem      int
	Dims      []any // dim_param string or dim_value number
}

const dumpScript = `
import sys, json, hashlib, onnx
m = onnx.load_from_string(sys.stdin.buffer.read())
g = m.graph
def value(v):
    t = v.type.tensor_type
    return {"Name": v.name, "Doc": v.doc_string, "Elem": t.elem_type,
            "Dims": [d.dim_param if d.WhichOneof("value") == "dim_param" else d.dim_value for d in t.shape.dim]}
ok = True
try:
    onnx.checker.check_model(m)
except Exception:
    ok = False
print(json.dumps({
    "ir_version": m.ir_version,
    "opsets": [[o.domain, o.version] for o in m.opset_import],
    "producer": [m.producer_name, m.producer_version],
    "doc": m.doc_string,
    "graph": g.name,
    "nodes": [{"Name": n.name, "Op": n.op_type, "Input": list(n.input), "Output": list(n.output),
               "Attrs": [{"Name": a.name, "Type": a.type, "F": a.f, "I": a.i, "S": a.s.decode(),
                          "Floats": list(a.floats), "Ints": list(a.ints)} for a in n.attribute]} for n in g.node],
    "inits": [{"Name": t.name, "Dims": list(t.dims), "Type": t.data_type,
               "RawSHA256": hashlib.sha256(t.raw_data).hexdigest(), "Floats": list(t.float_data)} for t in g.initializer],
    "inputs": [value(v) for v in g.input],
    "outputs": [value(v) for v in g.output],
    "metadata": {p.key: p.value for p in m.metadata_props},
    "checker": ok,
}))
`

// goDump is what Python's dump should read back for m.
func goDump(m *onnx.Model) dump {
	d := dump{IRVersion: m.IRVersion, Producer: [2]string{m.ProducerName, m.ProducerVersion},
		Doc: m.DocString, Graph: m.Graph.Name, Metadata: map[string]string{}}
	for _, o := range m.OpsetImport {
		d.Opsets = append(d.Opsets, [2]any{o.Domain, float64(o.Version)})
	}
	for _, n := range m.Graph.Node {
		dn := dumpNode{Name: n.Name, Op: n.OpType, Input: n.Input, Output: n.Output, Attrs: []dumpAttr{}}
		for _, a := range n.Attribute {
			dn.Attrs = append(dn.Attrs, dumpAttr{Name: a.Name, Type: int(a.Type), F: a.F, I: a.I, S: a.S,
				Floats: orEmpty(a.Floats), Ints: orEmpty(a.Ints)})
		}
		d.Nodes = append(d.Nodes, dn)
	}
	for _, t := range m.Graph.Initializer {
		sum := sha256.Sum256(t.RawData)
		d.Inits = append(d.Inits, dumpTensor{Name: t.Name, Dims: orEmpty(t.Dims), Type: int(t.DataType),
			RawSHA256: hex.EncodeToString(sum[:]), Floats: orEmpty(t.FloatData)})
	}
	value := func(v *onnx.ValueInfo) dumpValue {
		dv := dumpValue{Name: v.Name, Doc: v.DocString, Elem: int(v.ElemType)}
		for _, x := range v.Shape {
			if x.Param != "" {
				dv.Dims = append(dv.Dims, x.Param)
			} else {
				dv.Dims = append(dv.Dims, float64(x.Value))
			}
		}
		return dv
	}
	for _, v := range m.Graph.Input {
		d.Inputs = append(d.Inputs, value(v))
	}
	for _, v := range m.Graph.Output {
		d.Outputs = append(d.Outputs, value(v))
	}
	for _, p := range m.MetadataProps {
		d.Metadata[p.Key] = p.Value
	}
	return d
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// TestPythonRoundTrip decodes exports with python3-onnx's
// onnx.load_from_string and checks that every node, attribute, initializer
// (by SHA-256 of its bytes), input, output and metadata property reads
// back as built, and that the checker accepts the exports.
func TestPythonRoundTrip(t *testing.T) {
	python := testenv.Python(t, "onnx")
	type model struct {
		name    string
		m       *onnx.Model
		checker bool
	}
	models := []model{{"tiny", tinyModel(), false}} // "com.example" is no registered opset
	for _, arch := range onnx.Archs() {
		for _, size := range []int{0, -1, 64} {
			m, err := onnx.Build(randomFile(t, arch, 2, 11, map[string]string{"architecture": arch, "note": "ünïcode"}), onnx.Options{Size: size})
			if err != nil {
				t.Fatal(err)
			}
			models = append(models, model{fmt.Sprintf("%s size %d", arch, size), m, true})
		}
	}
	for _, c := range models {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(python, "-c", dumpScript)
			cmd.Stdin = bytes.NewReader(c.m.Encode())
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python could not load the model: %v\n%s", err, out)
			}
			var got dump
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("python output: %v\n%s", err, out)
			}
			if got.CheckerPassed != c.checker {
				t.Errorf("onnx.checker passed = %v, want %v", got.CheckerPassed, c.checker)
			}
			got.CheckerPassed = false
			want := goDump(c.m)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("python read back\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	w := onnxtest.File(onnxtest.RandomSAUNet(16, 1), nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := onnx.Marshal(w, onnx.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
