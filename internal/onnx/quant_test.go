package onnx_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// fakeCalibration gives every calibration point of m a plausible range:
// [0, 4] after a ReLU, [-4, 4] elsewhere.
func fakeCalibration(t *testing.T, m *onnx.Model, sha string) *onnx.Calibration {
	t.Helper()
	pts, err := onnx.CalibrationPoints(m)
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	c := &onnx.Calibration{Format: onnx.CalibrationFormat, WeightsSHA256: sha, Arch: meta["architecture"], Base: 8,
		Method: "minmax", Images: 3, Source: "test", Ranges: map[string][2]float32{}}
	for _, p := range pts {
		r := [2]float32{-4, 4}
		if strings.HasSuffix(onnx.PointName(p), ".relu") {
			r[0] = 0
		}
		c.Ranges[onnx.PointName(p)] = r
	}
	return c
}

const testSHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestQuantizeSAUNet(t *testing.T) {
	w := randomFile(t, "saunet", 8, 4, map[string]string{"architecture": "saunet"})
	fp, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cal := fakeCalibration(t, fp, testSHA)
	// The points are the 14 conv units' ReLU outputs, the 3 up-convolution
	// outputs and the inputs of the 3x3 convolutions that are not one of
	// those: the three concats and the attention output (the pools inherit
	// their input's parameters, the graph input is exact).
	if len(cal.Ranges) != 14+3+3+1 {
		t.Errorf("%d calibration points %v, want 21", len(cal.Ranges), cal.Ranges)
	}
	q, err := onnx.Build(w, onnx.Options{Precision: onnx.PrecisionInt8, Calibration: cal})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, n := range q.Graph.Node {
		ops[n.OpType]++
	}
	// 14 3x3 convolutions and 3 up-convolutions as 2x2 ones in int8; the
	// 1x1 head and the 7x7 attention stay float. Each int8 one gets a
	// DequantizeLinear for its weight and its bias.
	if ops["Conv"] != 19 || ops["ConvTranspose"] != 0 || ops["DepthToSpace"] != 3 || ops["Sigmoid"] != 2 {
		t.Errorf("operators %v: want 19 Conv, 3 DepthToSpace, no ConvTranspose, 2 Sigmoid", ops)
	}
	// ReLU outputs, pools, graph input, concats, attention, up-convolutions
	// before and after DepthToSpace.
	quantized := 14 + 3 + 1 + 3 + 1 + 3 + 3
	if ops["QuantizeLinear"] != quantized {
		t.Errorf("%d QuantizeLinear, want %d", ops["QuantizeLinear"], quantized)
	}
	if want := 2*17 + ops["QuantizeLinear"]; ops["DequantizeLinear"] < want {
		t.Errorf("%d DequantizeLinear, want at least %d", ops["DequantizeLinear"], want)
	}
	types := map[onnx.DataType]int{}
	for _, in := range q.Graph.Initializer {
		types[in.DataType]++
	}
	if types[onnx.Int8] != 2*17 || types[onnx.Int32] != 2*17 {
		t.Errorf("initializer types %v: want 17 int8 weights with int8 zero points and 17 int32 biases with zero points", types)
	}
	g := q.Graph
	if len(g.Input) != 1 || g.Input[0].ElemType != onnx.Float || len(g.Output) != 1 || g.Output[0].ElemType != onnx.Float {
		t.Errorf("input %v output %v: want float32 in and out", g.Input, g.Output)
	}
	checkTopological(t, g)

	// Metadata round trip through the serialized model.
	meta, err := onnx.Metadata(q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"precision": "int8", "calibration_method": "minmax", "calibration_images": "3",
		"calibration_source": "test", "calibration_weights_sha256": testSHA, "architecture": "saunet", "quantization": onnx.QuantScheme} {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	fpMeta, err := onnx.Metadata(fp.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if fpMeta["precision"] != "fp32" || fpMeta["calibration_method"] != "" {
		t.Errorf("fp32 metadata %v", fpMeta)
	}
}

func TestQuantizeErrors(t *testing.T) {
	w := randomFile(t, "saunet", 8, 4, map[string]string{"architecture": "saunet"})
	fp, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	missing := fakeCalibration(t, fp, testSHA)
	delete(missing.Ranges, "d2.cat")
	otherBase := fakeCalibration(t, fp, testSHA)
	otherBase.Base = 16
	q, err := onnx.Quantize(fp, fakeCalibration(t, fp, testSHA))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"no calibration", errOf(onnx.Build(w, onnx.Options{Precision: "int8"})), "no calibration"},
		{"missing range", errOf(onnx.Build(w, onnx.Options{Precision: "int8", Calibration: missing})), "no range for d2.cat"},
		{"other network", errOf(onnx.Build(w, onnx.Options{Precision: "int8", Calibration: otherBase})), "base 16"},
		{"unknown precision", errOf(onnx.Build(w, onnx.Options{Precision: "fp16"})), `"fp16" unknown`},
		{"twice", errOf(onnx.Quantize(q, fakeCalibration(t, fp, testSHA))), "already int8"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, c.err, c.want)
		}
	}
}

func errOf(_ *onnx.Model, err error) error { return err }

func TestCalibrationFile(t *testing.T) {
	w := randomFile(t, "saunet", 8, 4, map[string]string{"architecture": "saunet"})
	fp, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := fakeCalibration(t, fp, testSHA)
	b, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := onnx.ReadCalibration(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.WeightsSHA256 != c.WeightsSHA256 || len(back.Ranges) != len(c.Ranges) || back.Ranges["d1.cat"] != c.Ranges["d1.cat"] {
		t.Errorf("round trip changed the calibration: %+v", back)
	}
	if err := back.CheckWeights(strings.ToUpper(testSHA), "regen"); err != nil {
		t.Errorf("same weights refused: %v", err)
	}
	err = back.CheckWeights(strings.Repeat("f", 64), "run the regen command")
	if err == nil || !strings.Contains(err.Error(), "0123456789ab") || !strings.Contains(err.Error(), "run the regen command") {
		t.Errorf("other weights: err = %v, want the two sums and how to regenerate", err)
	}
	for _, bad := range []string{
		`{"format": 2, "weights_sha256": "` + testSHA + `"}`,
		`{"format": 1, "weights_sha256": "abc"}`,
		`{"format": 1, "weights_sha256": "` + testSHA + `", "ranges": {"x": [2, 1]}}`,
		`{"format": 1, "weights_sha256": "` + testSHA + `", "surprise": 1}`,
		`not json`,
	} {
		if _, err := onnx.ReadCalibration([]byte(bad)); err == nil {
			t.Errorf("ReadCalibration(%s) accepted it", bad)
		}
	}
}

// TestPythonCheckerInt8 runs python3-onnx's full checker on the int8
// export of every architecture.
func TestPythonCheckerInt8(t *testing.T) {
	python := testenv.Python(t, "onnx")
	for _, arch := range onnx.Archs() {
		w := randomFile(t, arch, 8, 5, map[string]string{"architecture": arch})
		fp, err := onnx.Build(w, onnx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), arch+".int8.onnx")
		if err := onnx.WriteFile(path, w, onnx.Options{Precision: "int8", Calibration: fakeCalibration(t, fp, testSHA)}); err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		pythonCheck(t, python, path)
	}
}

func pythonCheck(t *testing.T, python, path string) {
	t.Helper()
	script := `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, strict_mode=True)
print({p.key: p.value for p in m.metadata_props}["precision"])
`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("onnx checker rejected the int8 export: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "int8" {
		t.Errorf("python saw precision %q", got)
	}
}
