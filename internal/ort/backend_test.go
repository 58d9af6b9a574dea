//go:build cgo

package ort

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// needLib skips the test when no ONNX Runtime library can be found, or
// fails it when CXLSEG_REQUIRE_ORT=1 (CI sets it after fetching the
// library, so these tests cannot silently stop running there).
func needLib(t testing.TB) {
	t.Helper()
	_, err := Locate("", Search{})
	testenv.Need(t, EnvRequire, err)
}

// testModel exports random SA-UNet weights with base channels n.
func testModel(t testing.TB, n int) []byte {
	t.Helper()
	m, err := onnx.Marshal(onnxtest.File(onnxtest.RandomSAUNet(n, 7), nil), onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testImages returns n smooth, varied 224x224 images in [0,1].
func testImages(n int) []float32 {
	const s = 224
	x := make([]float32, n*s*s)
	for b := 0; b < n; b++ {
		for i := 0; i < s*s; i++ {
			r, c := float64(i/s), float64(i%s)
			x[b*s*s+i] = float32(0.5 + 0.4*math.Sin(r/(9+float64(b))+c/17)*math.Cos(c/(11+2*float64(b))))
		}
	}
	return x
}

// TestLoadBadLibrary loads a file that is not a library: a clear error,
// after which the real library still loads (a failed dlopen leaves no
// state behind). It runs first so that no library is loaded yet.
func TestLoadBadLibrary(t *testing.T) {
	needLib(t)
	fake := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	if err := os.WriteFile(fake, []byte("not a shared library"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load(fake)
	if err == nil || !strings.Contains(err.Error(), fake) {
		t.Fatalf("Load(not a library): err = %v", err)
	}
	if _, _, err := Load(""); err != nil {
		t.Fatalf("the real library no longer loads after a failed load: %v", err)
	}
}

func TestPredict(t *testing.T) {
	needLib(t)
	b, err := Open(Config{Model: testModel(t, 8), Threads: 1, MaxBatch: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.MaxBatch() != 4 || !strings.Contains(b.Name(), "1 threads") || !strings.Contains(b.Name(), "CPU") {
		t.Errorf("MaxBatch %d, Name %q", b.MaxBatch(), b.Name())
	}
	const plane = 224 * 224
	x := testImages(3)
	batch := make([]float32, 3*plane)
	if err := b.Predict(x, 3, batch); err != nil {
		t.Fatal(err)
	}
	lo, hi := float32(1), float32(0)
	for _, p := range batch {
		lo, hi = min(lo, p), max(hi, p)
	}
	if !(lo >= 0 && hi <= 1 && hi-lo > 0.01) {
		t.Errorf("probabilities span [%v, %v], want a non-trivial range inside [0,1]", lo, hi)
	}
	// Each image alone must give what it gave inside the batch.
	one := make([]float32, plane)
	for i := 0; i < 3; i++ {
		if err := b.Predict(x[i*plane:(i+1)*plane], 1, one); err != nil {
			t.Fatal(err)
		}
		var d float64
		for j := range one {
			d = math.Max(d, math.Abs(float64(one[j]-batch[i*plane+j])))
		}
		if d > 1e-5 {
			t.Errorf("image %d: alone vs in a batch differ by %g", i, d)
		}
	}
	for _, c := range []struct {
		n       int
		in, out []float32
		want    string
	}{
		{0, x, batch, "want 1..4"},
		{5, x, batch, "want 1..4"},
		{3, x[:plane], batch, "need"},
		{3, x, one, "need"},
	} {
		if err := b.Predict(c.in, c.n, c.out); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Predict(n=%d): err = %v, want %q", c.n, err, c.want)
		}
	}
	b.Close()
	if err := b.Predict(x, 1, one); err == nil {
		t.Error("Predict after Close succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	needLib(t)
	model := testModel(t, 4)
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no model", Config{}, "no model"},
		{"missing file", Config{ModelPath: "/nonexistent/m.onnx"}, "/nonexistent/m.onnx"},
		{"garbage", Config{Model: []byte("not onnx")}, "not a loadable ONNX model"},
		{"wrong size", Config{Model: model, Size: 256}, "want [N,1,256,256]"},
		{"negative", Config{Model: model, Threads: -1}, "must not be negative"},
		{"cuda", Config{Model: model, CUDA: true}, "cannot use CUDA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Open(c.cfg)
			if err == nil {
				b.Close()
				if c.name == "cuda" {
					t.Skip("this ONNX Runtime has a working CUDA provider")
				}
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestLoadOtherLibraryRefused(t *testing.T) {
	needLib(t)
	path, version, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if version == "" {
		t.Error("no version reported")
	}
	if _, _, err := Load(path + ".other"); err == nil || !strings.Contains(err.Error(), "already loaded") {
		t.Errorf("loading a second library: err = %v", err)
	}
}

func BenchmarkPredict(b *testing.B) {
	needLib(b)
	for _, threads := range []int{1, 2} {
		b.Run(map[int]string{1: "threads=1", 2: "threads=2"}[threads], func(b *testing.B) {
			be, err := Open(Config{Model: testModel(b, 16), Threads: threads, MaxBatch: 8})
			if err != nil {
				b.Fatal(err)
			}
			defer be.Close()
			x := testImages(8)
			probs := make([]float32, len(x))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := be.Predict(x, 8, probs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(8*b.N)/b.Elapsed().Seconds(), "img/s")
		})
	}
}

// TestNoSpin checks the effect of NoSpin, not just its name: after a
// prediction, ONNX Runtime's threads busy-wait for the next one unless
// NoSpin is set, which shows as CPU time burnt while the caller sleeps
// (measured here: about 230 ms of CPU over 300 ms idle with spinning, 2 ms
// without). The build relies on it: its decode workers share the cores.
func TestNoSpin(t *testing.T) {
	needLib(t)
	idleCPU := func(noSpin bool) time.Duration {
		b, err := Open(Config{Model: testModel(t, 2), Threads: 2, MaxBatch: 1, NoSpin: noSpin})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if noSpin && !strings.Contains(b.Name(), "no spinning") {
			t.Errorf("Name %q does not mention the setting", b.Name())
		}
		x := testImages(1)
		out := make([]float32, len(x))
		var idle time.Duration
		for range 10 {
			if err := b.Predict(x, 1, out); err != nil {
				t.Fatal(err)
			}
			c0 := testenv.CPUTime()
			time.Sleep(30 * time.Millisecond)
			idle += testenv.CPUTime() - c0
		}
		return idle
	}
	spin, quiet := idleCPU(false), idleCPU(true)
	t.Logf("CPU time while idle for 300 ms: %v spinning, %v with NoSpin", spin, quiet)
	if quiet*4 > spin {
		t.Errorf("NoSpin idle CPU %v is not well below the spinning one (%v)", quiet, spin)
	}
}
