package backend

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/segment"
)

// BenchmarkBackends measures both backends on SA-UNet base 16 (the
// embedded default weights) at 224x224, batch 8, with 1 and 2 threads, in
// one run, reporting img/s:
//
//	go test -run XXX -bench 'Backends$' -benchtime 5x ./internal/backend/
func BenchmarkBackends(b *testing.B) {
	const batch = 8
	in := make([]float32, batch*segment.Size*segment.Size)
	for i := range in {
		in[i] = float32(i%251) / 251
	}
	probs := make([]float32, len(in))
	for _, kind := range []string{Native, ONNXRuntime} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", kind, threads), func(b *testing.B) {
				be, _, err := Open(Config{Kind: kind, Precision: PrecisionFP32, Threads: threads, Batch: batch})
				if err != nil {
					b.Skipf("skipping %s: %v", kind, err)
				}
				defer be.Close()
				if err := be.Predict(in, batch, probs); err != nil { // warm up
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := be.Predict(in, batch, probs); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img/s")
			})
		}
	}
}

// BenchmarkBackendsAlternating opens the configurations (native, ONNX
// Runtime fp32 and int8, 1 and 2 threads, and ONNX Runtime fp32 on 2
// threads without spinning) side by side and runs one batch of 8 on
// each in turn, b.N rounds, reporting each one's median img/s. On a shared,
// noisy machine this compares them under the same load, which running the
// sub-benchmarks one after another does not:
//
//	go test -run XXX -bench BackendsAlternating -benchtime 10x ./internal/backend/
func BenchmarkBackendsAlternating(b *testing.B) {
	const batch = 8
	in := make([]float32, batch*segment.Size*segment.Size)
	for i := range in {
		in[i] = float32(i%251) / 251
	}
	probs := make([]float32, len(in))
	type entry struct {
		label string
		be    segment.Backend
		secs  []float64
	}
	var es []*entry
	for _, c := range []struct {
		kind      string
		precision string
		threads   int
		noSpin    bool
	}{
		{Native, PrecisionFP32, 1, false}, {Native, PrecisionFP32, 2, false},
		{ONNXRuntime, PrecisionFP32, 1, false}, {ONNXRuntime, PrecisionFP32, 2, false}, {ONNXRuntime, PrecisionFP32, 2, true},
		{ONNXRuntime, PrecisionInt8, 1, false}, {ONNXRuntime, PrecisionInt8, 2, false},
	} {
		be, _, err := Open(Config{Kind: c.kind, Precision: c.precision, Threads: c.threads, Batch: batch, NoSpin: c.noSpin})
		if err != nil {
			b.Logf("skipping %s: %v", c.kind, err)
			continue
		}
		defer be.Close()
		if err := be.Predict(in, batch, probs); err != nil { // warm up
			b.Fatal(err)
		}
		label := fmt.Sprintf("%s-t%d", c.kind, c.threads)
		if c.kind == ONNXRuntime {
			label = fmt.Sprintf("%s-%s-t%d", c.kind, c.precision, c.threads)
		}
		if c.noSpin {
			label += "-nospin"
		}
		es = append(es, &entry{label: label, be: be})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range es {
			e := es[(i+j)%len(es)] // rotate who goes first
			start := time.Now()
			if err := e.be.Predict(in, batch, probs); err != nil {
				b.Fatal(err)
			}
			e.secs = append(e.secs, time.Since(start).Seconds())
		}
	}
	for _, e := range es {
		sort.Float64s(e.secs)
		b.ReportMetric(batch/e.secs[len(e.secs)/2], e.label+"_img/s")
	}
}
