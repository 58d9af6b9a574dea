package model

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn"
)

func newEngine(t testing.TB, threads int) *nn.Engine {
	t.Helper()
	e := nn.NewEngine(nn.NewGoGemm(), threads)
	t.Cleanup(e.Close)
	return e
}

// TestParamCount checks the SA-UNet base 16 parameter count against
// PyTorch's (sum of p.numel() for ref_saunet.SAUNet()) and the names'
// order against its state_dict.
func TestParamCount(t *testing.T) {
	m, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.NumParams(); got != 537011 {
		t.Errorf("saunet base 16 has %d parameters, PyTorch 537011", got)
	}
	ts := m.Tensors()
	if len(ts) != 107 {
		t.Errorf("%d state_dict entries, PyTorch 107", len(ts))
	}
	first := []string{"e1.0.weight", "e1.0.bias", "e1.2.weight", "e1.2.bias", "e1.2.running_mean", "e1.2.running_var", "e1.2.num_batches_tracked", "e1.4.weight"}
	for i, n := range first {
		if ts[i].Name != n {
			t.Errorf("entry %d is %s, want %s", i, ts[i].Name, n)
		}
	}
	if got := ts[len(ts)-1].Name; got != "out.bias" {
		t.Errorf("last entry %s, want out.bias", got)
	}
	names := map[string][]int{}
	for _, x := range ts {
		names[x.Name] = x.Shape
	}
	for n, s := range map[string][]int{"sa.conv.weight": {1, 2, 7, 7}, "u3.weight": {128, 64, 3, 3}, "d1.0.weight": {16, 32, 3, 3}, "out.weight": {1, 16, 1, 1}, "m2.2.num_batches_tracked": {}} {
		if !slices.Equal(names[n], s) {
			t.Errorf("%s shape %v, want %v", n, names[n], s)
		}
	}
}

// TestModelGradient checks the whole network's backward pass (BCE + Dice
// loss included) against finite differences on a small input: base 4,
// 16x16, batch 2, for every architecture.
func TestModelGradient(t *testing.T) {
	for _, arch := range Archs() {
		t.Run(arch, func(t *testing.T) {
			const batch, size = 2, 16
			m, err := New(Config{Arch: arch, Base: 4, Seed: 3, DropBlockKeep: 0.8, DropBlockSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			e := newEngine(t, 2)
			g, in, out, err := m.graph(e, trainMode, nil, batch, size)
			if err != nil {
				t.Fatal(err)
			}
			g.Seed, g.Step = 5, 9
			x, y := benchData(batch, size, 2)
			copy(in.Data, x)
			lf := newBCEDice(batch)
			w := []float32{1, 0.5}
			loss := func() float64 {
				g.Forward()
				l, err := lf.compute(e, out.Data, y, w, batch, size*size, out.Grad)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			loss()
			g.Backward()
			grads := slices.Clone(g.ParamGrads())
			rng := rand.New(rand.NewPCG(4, 4))
			bad := 0
			for _, p := range m.Params.Params {
				for k := 0; k < 3; k++ {
					j := rng.IntN(len(p.Data))
					i := p.Off + j
					old := m.Params.Data[i]
					// Small: a step across a ReLU kink spoils the difference.
					const eps = float32(2e-4)
					m.Params.Data[i] = old + eps
					lp := loss()
					m.Params.Data[i] = old - eps
					lm := loss()
					m.Params.Data[i] = old
					num := (lp - lm) / (2 * float64(eps))
					got := float64(grads[i])
					if math.Abs(got-num) > 2e-3+5e-2*math.Max(math.Abs(got), math.Abs(num)) {
						bad++
						t.Errorf("%s[%d]: backward %.6f, finite difference %.6f", p.Name, j, got, num)
					}
				}
			}
			if bad > 0 {
				t.Logf("%d mismatches", bad)
			}
		})
	}
}

// TestTrainDeterministicResume trains a few steps twice with the same seed
// (identical weights expected), and once interrupted by a checkpoint that a
// fresh trainer resumes (identical again).
func TestTrainDeterministicResume(t *testing.T) {
	const batch, size, steps = 2, 16, 4
	x, y := benchData(batch, size, 7)
	run := func(stopAt int, ckpt string) ([]float32, []float64) {
		m, err := New(Config{Base: 4, Seed: 11, DropBlockSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainerEngine(m, newEngine(t, 2), batch, size, AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-4})
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		start := 0
		if ckpt != "" && stopAt < 0 {
			md, err := tr.LoadCheckpoint(ckpt)
			if err != nil {
				t.Fatal(err)
			}
			if md["epoch"] != "3" {
				t.Errorf("caller metadata lost: %v", md)
			}
			start = int(tr.StepCount())
		}
		for s := start; s < steps; s++ {
			if s == stopAt {
				if err := tr.SaveCheckpoint(ckpt, map[string]string{"epoch": "3"}); err != nil {
					t.Fatal(err)
				}
				return nil, losses
			}
			l, err := tr.Step(x, y, batch)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		return slices.Concat(m.Params.Data, m.Buffers.Data), losses
	}
	a, la := run(steps, "")
	b, lb := run(steps, "")
	if !slices.Equal(a, b) || !slices.Equal(la, lb) {
		t.Fatal("two runs with the same seed differ")
	}
	if !(la[steps-1] < la[0]) {
		t.Errorf("loss did not decrease: %v", la)
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	run(2, ckpt)
	c, _ := run(-1, ckpt)
	if !slices.Equal(a, c) {
		t.Fatal("run resumed from a checkpoint differs from the uninterrupted run")
	}
}

// TestSaveLoadPredict round-trips a trained model through safetensors and
// checks that predictions agree and that a batch of one equals the same
// image inside a larger batch.
func TestSaveLoadPredict(t *testing.T) {
	const batch, size = 3, 16
	for _, arch := range Archs() {
		t.Run(arch, func(t *testing.T) {
			m, err := New(Config{Arch: arch, Base: 4, Seed: 2, DropBlockSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			e := newEngine(t, 2)
			tr, err := NewTrainerEngine(m, e, batch, size, AdamConfig{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
			if err != nil {
				t.Fatal(err)
			}
			x, y := benchData(batch, size, 3)
			for i := 0; i < 3; i++ {
				if _, err := tr.Step(x, y, batch); err != nil {
					t.Fatal(err)
				}
			}
			p1 := make([]float32, len(x))
			if err := tr.Predict(x, batch, p1); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.safetensors")
			if err := m.Save(path, map[string]string{"note": "x"}); err != nil {
				t.Fatal(err)
			}
			m2, meta, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if meta[MetaArch] != arch || meta[MetaBase] != "4" || meta["note"] != "x" || meta[MetaPreprocessing] != DefaultPreprocessing {
				t.Errorf("metadata %v", meta)
			}
			pr, err := NewPredictorEngine(m2, e, batch, size)
			if err != nil {
				t.Fatal(err)
			}
			p2 := make([]float32, len(x))
			if err := pr.Predict(x, batch, p2); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p1, p2) {
				t.Error("loaded model predicts differently")
			}
			one := make([]float32, size*size)
			if err := pr.Predict(x[size*size:2*size*size], 1, one); err != nil {
				t.Fatal(err)
			}
			for j, v := range one {
				if math.Abs(float64(v-p2[size*size+j])) > 1e-6 {
					t.Fatalf("batch of one differs at %d: %v vs %v", j, v, p2[size*size+j])
				}
			}
			for _, v := range p2 {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("probability %v", v)
				}
			}
		})
	}
}
