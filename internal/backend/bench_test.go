package backend

import (
	"fmt"
	"testing"

	"cxlseg/internal/segment"
)

// BenchmarkBackends measures both backends on SA-UNet base 16 (the
// embedded default weights) at 224x224, batch 8, with 1 and 2 threads, in
// one run, reporting img/s:
//
//	go test -run XXX -bench Backends -benchtime 5x ./internal/backend/
func BenchmarkBackends(b *testing.B) {
	benchBackends(b, false)
}

// BenchmarkBackendsNoSpin is BenchmarkBackends for ONNX Runtime told not
// to busy-wait (Config.NoSpin).
func BenchmarkBackendsNoSpin(b *testing.B) {
	benchBackends(b, true)
}

func benchBackends(b *testing.B, noSpin bool) {
	const batch = 8
	in := make([]float32, batch*segment.Size*segment.Size)
	for i := range in {
		in[i] = float32(i%251) / 251
	}
	probs := make([]float32, len(in))
	kinds := []string{Native, ONNXRuntime}
	if noSpin {
		kinds = []string{ONNXRuntime} // the setting is ONNX Runtime's
	}
	for _, kind := range kinds {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", kind, threads), func(b *testing.B) {
				be, _, err := Open(Config{Kind: kind, Threads: threads, Batch: batch, NoSpin: noSpin})
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
