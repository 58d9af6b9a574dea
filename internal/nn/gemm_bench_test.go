package nn

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn/simd"
)

// gemmShapes are SA-UNet base 16 conv shapes at 224 (one image): forward
// (NN), weight gradient (NT) and column gradient (TN).
var gemmShapes = []struct {
	name    string
	ta, tb  bool
	m, n, k int
}{
	{"fwd_e1.4_NN", false, false, 16, 50176, 144},
	{"fwd_d1.0_NN", false, false, 16, 50176, 288},
	{"dW_d1.0_NT", false, true, 16, 288, 50176},
	{"dcol_d1.0_TN", true, false, 288, 50176, 16},
	{"fwd_d3.0_NN", false, false, 64, 3136, 1152},
	{"fwd_m2_NN", false, false, 128, 784, 1152},
	// One column tile, as the engine calls them (a row of 224 pixels).
	{"tile_fwd_e1.4_NN", false, false, 16, 224, 144},
	{"tile_fwd_d1.0_NN", false, false, 16, 224, 288},
	{"tile_dW_d1.0_NT", false, true, 16, 288, 224},
	{"tile_dx_d1.0_NN", false, false, 32, 224, 144},
	{"tile_fwd_d2.0_NN", false, false, 32, 448, 576},
}

// BenchmarkSgemm reports GFLOP/s of each available sgemm on the model's
// shapes, single-threaded (the engine runs one sgemm per worker).
func BenchmarkSgemm(b *testing.B) {
	gemms := map[string]Gemm{"go": NewGoGemm()}
	if g, err := NewGemm("openblas"); err == nil {
		gemms["openblas"] = g
	}
	if k := avx2Kernel(); k != nil && simd.HasAVX2FMA() {
		g := newScalarGemm()
		g.mr, g.nr, g.kern, g.kname = 4, 16, k, "avx2 4x16"
		gemms["go-avx2"] = g
	}
	for _, kind := range slices.Sorted(maps.Keys(gemms)) {
		gm := gemms[kind]
		for _, s := range gemmShapes {
			b.Run(fmt.Sprintf("%s/%s", kind, s.name), func(b *testing.B) {
				a := make([]float32, s.m*s.k)
				bb := make([]float32, s.k*s.n)
				c := make([]float32, s.m*s.n)
				for i := range a {
					a[i] = float32(i%7) * 0.1
				}
				for i := range bb {
					bb[i] = float32(i%5) * 0.1
				}
				lda, ldb := s.k, s.n
				if s.ta {
					lda = s.m
				}
				if s.tb {
					ldb = s.k
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					gm.Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
