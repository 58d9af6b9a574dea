package model

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// benchDir returns ../shared/bench (next to the module root), which holds
// ref_saunet.py.
func benchDir(t *testing.T) string {
	t.Helper()
	return filepath.Dir(testenv.SharedPath(t, "bench", "ref_saunet.py"))
}

func writeF32(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readF32(t *testing.T, path string, n int) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 4*n {
		t.Fatalf("%s: %d bytes, want %d", path, len(b), 4*n)
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// TestPyTorchParity saves random SA-UNet weights (random batch-norm
// statistics included, so folding is exercised), runs ref_saunet.py's
// SAUNet on them in eval mode with PyTorch, and compares probabilities
// with the native predictor: max abs difference <= 1e-4.
func TestPyTorchParity(t *testing.T) {
	t.Parallel()
	bench := benchDir(t)
	python := testenv.Python(t, "torch", "numpy")
	const n, size = 2, 64
	m, err := New(Config{Base: 16, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, u := range m.units {
		for _, s := range []struct {
			name   string
			lo, hi float64
		}{{".weight", 0.5, 1.5}, {".bias", -0.3, 0.3}, {".running_mean", -0.3, 0.3}, {".running_var", 0.5, 2}} {
			p := m.param(u.bn + s.name)
			for i := range p.Data {
				p.Data[i] = float32(s.lo + (s.hi-s.lo)*rng.Float64())
			}
		}
	}
	dir := t.TempDir()
	wpath, in, out := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "x.f32"), filepath.Join(dir, "p.f32")
	if err := m.Save(wpath, nil); err != nil {
		t.Fatal(err)
	}
	x, _ := benchData(n, size, 5)
	writeF32(t, in, x)
	cmd := exec.Command(python, "testdata/parity.py", bench, wpath, in, out, "2", "64")
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s testdata/parity.py: %v\n%s", python, err, b)
	}
	want := readF32(t, out, n*size*size)
	p, err := NewPredictorEngine(m, newEngine(t, 2), n, size)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n*size*size)
	if err := p.Predict(x, n, got); err != nil {
		t.Fatal(err)
	}
	var maxd float64
	for i := range got {
		maxd = math.Max(maxd, math.Abs(float64(got[i]-want[i])))
	}
	t.Logf("max abs difference of probabilities vs PyTorch (%d values): %.3g", len(got), maxd)
	if !(maxd <= 1e-4) {
		t.Errorf("max abs difference %.3g > 1e-4", maxd)
	}
}

// TestPyTorchTrainParity compares one training step with PyTorch (DropBlock
// disabled on both sides, as masks cannot match): the loss, every
// parameter gradient and the updated BN running statistics of
// ref_saunet.py's SAUNet in training mode on the same weights and batch.
func TestPyTorchTrainParity(t *testing.T) {
	t.Parallel()
	bench := benchDir(t)
	python := testenv.Python(t, "torch", "numpy")
	const n, size = 2, 32
	m, err := New(Config{Base: 8, Seed: 6, DropBlockKeep: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wpath := filepath.Join(dir, "w.safetensors")
	if err := m.Save(wpath, nil); err != nil {
		t.Fatal(err)
	}
	x, y := benchData(n, size, 8)
	writeF32(t, filepath.Join(dir, "x.f32"), x)
	writeF32(t, filepath.Join(dir, "y.f32"), y)
	cmd := exec.Command(python, "testdata/train_parity.py", bench, wpath, filepath.Join(dir, "x.f32"), filepath.Join(dir, "y.f32"), filepath.Join(dir, "o.f32"), "2", "32")
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s testdata/train_parity.py: %v\n%s", python, err, b)
	}
	nRunning := 0
	for _, p := range m.Buffers.Params {
		if !strings.HasSuffix(p.Name, "num_batches_tracked") {
			nRunning += len(p.Data)
		}
	}
	want := readF32(t, filepath.Join(dir, "o.f32"), 1+m.NumParams()+nRunning)

	g, in, out, err := m.graph(newEngine(t, 2), trainMode, nil, n, size)
	if err != nil {
		t.Fatal(err)
	}
	copy(in.Data, x)
	g.Forward()
	loss, err := newBCEDice(n).compute(g.Engine(), out.Data, y, nil, n, size*size, out.Grad)
	if err != nil {
		t.Fatal(err)
	}
	g.Backward()
	if d := math.Abs(loss - float64(want[0])); d > 1e-5 {
		t.Errorf("loss %v, PyTorch %v", loss, want[0])
	}
	k := 1
	worst := 0.0
	for _, p := range m.Params.Params {
		got := g.ParamGrads()[p.Off : p.Off+len(p.Data)]
		ref := want[k : k+len(p.Data)]
		k += len(p.Data)
		var scale, diff float64
		for i := range ref {
			scale = math.Max(scale, math.Abs(float64(ref[i])))
			diff = math.Max(diff, math.Abs(float64(got[i]-ref[i])))
		}
		// Conv biases in front of batch norm have a zero gradient up to
		// rounding (~1e-8): measure them against a floor of 1e-3.
		rel := diff / math.Max(scale, 1e-3)
		worst = math.Max(worst, rel)
		if rel > 1e-3 {
			t.Errorf("%s: gradient differs from PyTorch by %.3g of its largest value %.3g", p.Name, rel, scale)
		}
	}
	for _, p := range m.Buffers.Params {
		if strings.HasSuffix(p.Name, "num_batches_tracked") {
			if p.Data[0] != 1 {
				t.Errorf("%s = %v after one step", p.Name, p.Data[0])
			}
			continue
		}
		for i, v := range p.Data {
			if d := math.Abs(float64(v - want[k+i])); d > 1e-5*math.Max(1, math.Abs(float64(v))) {
				t.Fatalf("%s[%d] = %v, PyTorch %v", p.Name, i, v, want[k+i])
			}
		}
		k += len(p.Data)
	}
	t.Logf("loss %.6f (PyTorch %.6f); worst gradient difference %.3g of the tensor's largest value", loss, want[0], worst)
}
