package onnx_test

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

func TestBuildSAUNet(t *testing.T) {
	w := onnxtest.File(onnxtest.RandomSAUNet(8, 1), map[string]string{"trained_on": "test"})
	m, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.OpsetImport[0].Version < 13 {
		t.Errorf("opset %d, want >= 13", m.OpsetImport[0].Version)
	}
	g := m.Graph
	if len(g.Input) != 1 || g.Input[0].Name != "image" || len(g.Output) != 1 || g.Output[0].Name != "prob" {
		t.Fatalf("inputs %v outputs %v", g.Input, g.Output)
	}
	for _, v := range []*onnx.ValueInfo{g.Input[0], g.Output[0]} {
		dims := v.Shape
		if v.ElemType != onnx.Float || len(dims) != 4 || dims[0] != (onnx.Dim{Param: "N"}) || dims[1] != (onnx.Dim{Value: 1}) || dims[2] != (onnx.Dim{Value: 224}) || dims[3] != (onnx.Dim{Value: 224}) {
			t.Errorf("%s: dims %v, want [N,1,224,224]", v.Name, dims)
		}
	}
	ops := map[string]int{}
	for _, n := range g.Node {
		ops[n.OpType]++
	}
	want := map[string]int{"Conv": 16, "ConvTranspose": 3, "MaxPool": 3, "Concat": 4, "Relu": 14,
		"Sigmoid": 2, "Mul": 1, "ReduceMean": 1, "ReduceMax": 1}
	for op, n := range want {
		if ops[op] != n {
			t.Errorf("%d %s nodes, want %d", ops[op], op, n)
		}
	}
	if len(ops) != len(want) {
		t.Errorf("unexpected operators: %v", ops)
	}
	// Parameters: BatchNorm is folded, so the graph holds exactly the
	// convolutions' weights and biases.
	var params int
	for _, in := range g.Initializer {
		params += len(in.RawData) / 4
	}
	wantParams := 0
	for name, shape := range mustParams(t, "saunet", 8) {
		if strings.Contains(name, ".2.") || strings.Contains(name, ".6.") {
			continue // BatchNorm
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		wantParams += n
	}
	if params != wantParams {
		t.Errorf("initializers hold %d values, want %d", params, wantParams)
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	for k, v := range map[string]string{"architecture": "saunet", "base_channels": "8", "preprocessing": "gray>area224>clahe2.0x8>unit", "trained_on": "test"} {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	checkTopological(t, g)
}

// checkTopological asserts every node input is the graph input, an
// initializer or an earlier node's output, and that "prob" is produced.
func checkTopological(t *testing.T, g *onnx.Graph) {
	t.Helper()
	defined := map[string]bool{"image": true}
	for _, in := range g.Initializer {
		defined[in.Name] = true
	}
	for _, n := range g.Node {
		for _, in := range n.Input {
			if in != "" && !defined[in] { // "" is an omitted optional input
				t.Fatalf("node %s reads %q before it is defined", n.Name, in)
			}
		}
		for _, out := range n.Output {
			if defined[out] {
				t.Fatalf("node %s redefines %q", n.Name, out)
			}
			defined[out] = true
		}
	}
	if !defined["prob"] {
		t.Fatal("no node produces prob")
	}
}

// TestFoldBatchNorm checks the folded first convolution against the
// formula on the raw tensors.
func TestFoldBatchNorm(t *testing.T) {
	ts := onnxtest.RandomSAUNet(4, 2)
	w := onnxtest.File(ts, nil)
	m, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fw, fb []float32
	for _, in := range m.Graph.Initializer {
		switch in.Name {
		case "e1.0+e1.2.weight":
			fw = floats(in.RawData)
		case "e1.0+e1.2.bias":
			fb = floats(in.RawData)
		}
	}
	get := func(n string) []float32 { return w.Tensors[n].Data }
	cw, cb := get("e1.0.weight"), get("e1.0.bias")
	gam, bet, mu, va := get("e1.2.weight"), get("e1.2.bias"), get("e1.2.running_mean"), get("e1.2.running_var")
	if len(fw) != len(cw) || len(fb) != 4 {
		t.Fatalf("folded tensors missing: %d weights, %d biases", len(fw), len(fb))
	}
	for o := 0; o < 4; o++ {
		s := float64(gam[o]) / math.Sqrt(float64(va[o])+1e-5)
		for i := 0; i < 9; i++ {
			if want := float64(cw[o*9+i]) * s; math.Abs(float64(fw[o*9+i])-want) > 1e-6 {
				t.Errorf("weight[%d,%d] = %v, want %v", o, i, fw[o*9+i], want)
			}
		}
		if want := (float64(cb[o])-float64(mu[o]))*s + float64(bet[o]); math.Abs(float64(fb[o])-want) > 1e-6 {
			t.Errorf("bias[%d] = %v, want %v", o, fb[o], want)
		}
	}
}

func floats(raw []byte) []float32 {
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(uint32(raw[4*i]) | uint32(raw[4*i+1])<<8 | uint32(raw[4*i+2])<<16 | uint32(raw[4*i+3])<<24)
	}
	return out
}

func TestBuildErrors(t *testing.T) {
	drop := func(name string) *safetensors.File {
		ts := onnxtest.RandomSAUNet(4, 3)
		out := ts[:0]
		for _, x := range ts {
			if x.Name != name {
				out = append(out, x)
			}
		}
		return onnxtest.File(out, nil)
	}
	reshape := func(name string, shape []int) *safetensors.File {
		f := onnxtest.File(onnxtest.RandomSAUNet(4, 3), nil)
		x := f.Tensors[name]
		x.Shape = shape
		f.Tensors[name] = x
		return f
	}
	negVar := onnxtest.File(onnxtest.RandomSAUNet(4, 3), nil)
	negVar.Tensors["d2.6.running_var"].Data[0] = -1
	cases := []struct {
		name string
		w    *safetensors.File
		opt  onnx.Options
		want string
	}{
		{"missing tensor", drop("d1.4.bias"), onnx.Options{}, `"d1.4.bias" missing`},
		{"missing sa", drop("sa.conv.weight"), onnx.Options{}, "do not tell"},
		{"missing sa, arch given", drop("sa.conv.weight"), onnx.Options{Arch: "saunet"}, `"sa.conv.weight" missing`},
		{"wrong shape", reshape("u2.weight", []int{16, 8, 2, 2}), onnx.Options{}, `"u2.weight" has shape`},
		{"unknown arch", onnxtest.File(onnxtest.RandomSAUNet(4, 3), map[string]string{"architecture": "resnet"}), onnx.Options{}, `"resnet" not supported`},
		{"base mismatch", onnxtest.File(onnxtest.RandomSAUNet(4, 3), map[string]string{"base_channels": "16"}), onnx.Options{}, "disagrees"},
		{"size", onnxtest.File(onnxtest.RandomSAUNet(4, 3), nil), onnx.Options{Size: 100}, "multiple of 8"},
		{"negative variance", negVar, onnx.Options{}, "running_var[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := onnx.Build(c.w, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestMarshalDeterministic(t *testing.T) {
	w := onnxtest.File(onnxtest.RandomSAUNet(4, 4), map[string]string{"a": "1", "b": "2"})
	a, err := onnx.Marshal(w, onnx.Options{Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := onnx.Marshal(w, onnx.Options{Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two exports of the same weights differ")
	}
	if meta, err := onnx.Metadata(a); err != nil || meta["a"] != "1" || meta["b"] != "2" {
		t.Errorf("exported bytes do not parse: metadata %v, %v", meta, err)
	}
	m, err := onnx.Build(w, onnx.Options{Size: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Encode(), a) {
		t.Error("Marshal differs from Build + Encode")
	}
	if d := m.Graph.Input[0].Shape; d[2].Param != "H" || d[3].Param != "W" {
		t.Errorf("Size -1 should leave H and W dynamic, got %v", d)
	}
}

// TestPythonChecker runs Debian's python3-onnx full checker (with shape
// inference) on an export and checks the inferred output shape.
func TestPythonChecker(t *testing.T) {
	python := testenv.Python(t, "onnx")
	script := `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
inf = onnx.shape_inference.infer_shapes(m, strict_mode=True)
d = inf.graph.output[0].type.tensor_type.shape.dim
print([x.dim_param or x.dim_value for x in d], {p.key: p.value for p in m.metadata_props}["architecture"])
`
	for _, arch := range onnx.Archs() {
		path := filepath.Join(t.TempDir(), arch+".onnx")
		w := randomFile(t, arch, 8, 5, map[string]string{"architecture": arch})
		if err := onnx.WriteFile(path, w, onnx.Options{}); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(python, "-c", script, path).CombinedOutput()
		if err != nil {
			t.Fatalf("onnx checker rejected the %s export: %v\n%s", arch, err, out)
		}
		if got, want := strings.TrimSpace(string(out)), "['N', 1, 224, 224] "+arch; got != want {
			t.Errorf("python saw %q, want %q", got, want)
		}
	}
}

func mustParams(t *testing.T, arch string, n int) map[string][]int {
	t.Helper()
	p, err := onnx.Params(arch, n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func randomFile(t *testing.T, arch string, n int, seed uint64, meta map[string]string) *safetensors.File {
	t.Helper()
	ts, err := onnxtest.RandomWeights(arch, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	return onnxtest.File(ts, meta)
}

// TestBuildFamily checks the operators each architecture adds to the
// common skeleton and that the names it reads are exactly Params.
func TestBuildFamily(t *testing.T) {
	for _, c := range []struct {
		arch string
		ops  map[string]int
	}{
		{"saunet", map[string]int{"Conv": 16, "ReduceMean": 1, "Mul": 1, "Resize": 0}},
		{"unet", map[string]int{"Conv": 15, "ReduceMean": 0, "Mul": 0, "Resize": 0}},
		{"attunet", map[string]int{"Conv": 15 + 9, "ReduceMean": 0, "Mul": 3, "Resize": 3, "Add": 3}},
	} {
		t.Run(c.arch, func(t *testing.T) {
			m, err := onnx.Build(randomFile(t, c.arch, 4, 9, map[string]string{"architecture": c.arch}), onnx.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ops := map[string]int{}
			for _, n := range m.Graph.Node {
				ops[n.OpType]++
			}
			for op, n := range c.ops {
				if ops[op] != n {
					t.Errorf("%d %s nodes, want %d", ops[op], op, n)
				}
			}
			checkTopological(t, m.Graph)
		})
	}
}

func TestArchInference(t *testing.T) {
	for _, c := range []struct {
		arch, want string
	}{{"saunet", "saunet"}, {"attunet", "attunet"}, {"unet", "do not tell"}} {
		m, err := onnx.Build(randomFile(t, c.arch, 2, 1, nil), onnx.Options{})
		switch {
		case err != nil && !strings.Contains(err.Error(), c.want):
			t.Errorf("%s without metadata: %v", c.arch, err)
		case err == nil && m.Graph.Name != c.want:
			t.Errorf("%s without metadata was exported as %s", c.arch, m.Graph.Name)
		}
	}
	// The wrong architecture named in metadata is caught by the unused
	// tensors, not exported as a different network.
	_, err := onnx.Build(randomFile(t, "saunet", 2, 1, map[string]string{"architecture": "unet"}), onnx.Options{})
	if err == nil || !strings.Contains(err.Error(), "sa.conv.weight") {
		t.Errorf("SA-UNet weights labelled unet: err = %v", err)
	}
}
