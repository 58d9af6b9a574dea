package model

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// python is Debian's interpreter with torch (the pyenv python3 on PATH
// lacks it).
const python = "/usr/bin/python3"

// benchDir finds ../shared/bench (next to the module root) holding
// ref_saunet.py.
func benchDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			b := filepath.Join(filepath.Dir(d), "shared", "bench")
			if _, err := os.Stat(filepath.Join(b, "ref_saunet.py")); err != nil {
				t.Skipf("skipping PyTorch parity: %s/ref_saunet.py not found (../shared next to the module root)", b)
			}
			return b
		}
		if filepath.Dir(d) == d {
			t.Skip("skipping PyTorch parity: module root not found")
		}
	}
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
	if _, err := os.Stat(python); err != nil {
		t.Skipf("skipping PyTorch parity: %s not found", python)
	}
	if err := exec.Command(python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("skipping PyTorch parity: %s cannot import torch and numpy (install python3-torch)", python)
	}
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
