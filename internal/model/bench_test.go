package model

import (
	"fmt"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn"
)

// benchData returns n random images and blob masks of size x size.
func benchData(n, size int, seed uint64) (x, y []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x = make([]float32, n*size*size)
	y = make([]float32, n*size*size)
	for i := 0; i < n; i++ {
		cx, cy, r := rng.Float64()*float64(size), rng.Float64()*float64(size), float64(size)/4
		for py := 0; py < size; py++ {
			for px := 0; px < size; px++ {
				k := (i*size+py)*size + px
				dx, dy := float64(px)-cx, float64(py)-cy
				in := dx*dx+dy*dy < r*r
				v := rng.Float64() * 0.3
				if in {
					y[k] = 1
					v += 0.5
				}
				x[k] = float32(v)
			}
		}
	}
	return x, y
}

// Throughput reference: 3.5 GFLOP per 224x224 image forward, ~10.6 for a
// training step (SPEC section 5).
const (
	gflopInfer = 3.5
	gflopTrain = 10.6
)

func BenchmarkTrainStep(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("saunet16_224_b8_t%d", threads), func(b *testing.B) {
			const batch, size = 8, 224
			m, err := New(Config{Arch: "saunet", Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			gm, err := nn.NewGemm(benchGemm())
			if err != nil {
				b.Fatal(err)
			}
			e := nn.NewEngine(gm, threads)
			defer e.Close()
			tr, err := NewTrainerEngine(m, e, batch, size, DefaultAdam())
			if err != nil {
				b.Fatal(err)
			}
			x, y := benchData(batch, size, 1)
			if _, err := tr.Step(x, y, batch); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s; plan %.0f MB", e.Describe(), float64(tr.MemoryBytes())/1e6)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				if _, err := tr.Step(x, y, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			s := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(batch/s, "img/s")
			b.ReportMetric(batch*gflopTrain/s, "GFLOP/s")
		})
	}
}

func BenchmarkInfer(b *testing.B) {
	for _, c := range []struct{ batch, threads int }{{8, 1}, {8, 2}, {1, 1}, {1, 2}} {
		b.Run(fmt.Sprintf("saunet16_224_b%d_t%d", c.batch, c.threads), func(b *testing.B) {
			const size = 224
			batch, threads := c.batch, c.threads
			m, err := New(Config{Arch: "saunet", Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			gm, err := nn.NewGemm(benchGemm())
			if err != nil {
				b.Fatal(err)
			}
			e := nn.NewEngine(gm, threads)
			defer e.Close()
			p, err := NewPredictorEngine(m, e, batch, size)
			if err != nil {
				b.Fatal(err)
			}
			x, _ := benchData(batch, size, 1)
			probs := make([]float32, len(x))
			if err := p.Predict(x, batch, probs); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				if err := p.Predict(x, batch, probs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			s := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(batch)/s, "img/s")
			b.ReportMetric(float64(batch)*gflopInfer/s, "GFLOP/s")
		})
	}
}

// cpuSeconds returns the process's user+system CPU time: on a shared,
// overloaded machine it varies far less than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// benchGemm is the sgemm the benchmarks use: $CXLSEG_GEMM (auto, openblas,
// go), default auto.
func benchGemm() string {
	if k := os.Getenv("CXLSEG_GEMM"); k != "" {
		return k
	}
	return "auto"
}
