package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn/simd"
)

// naiveGemm is the reference: C = alpha*op(A)*op(B) + beta*C in float64.
func naiveGemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if ta {
					ai = p*lda + i
				}
				if tb {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			old := float64(c[i*ldc+j])
			if beta == 0 {
				old = 0
			}
			c[i*ldc+j] = float32(float64(alpha)*s + float64(beta)*old)
		}
	}
}

// TestGemm compares every available sgemm with the float64 reference on
// odd shapes, all transpositions, padded strides, alpha and beta.
func TestGemm(t *testing.T) {
	gemms := map[string]Gemm{"go": NewGoGemm(), "scalar": newScalarGemm()}
	if simd.HasAVX2FMA() {
		// Also the AVX2 kernel on AVX-512 machines, which pick the other.
		g := newScalarGemm()
		g.mr, g.nr, g.kern, g.kname = 4, 16, avx2Kernel(), "avx2 4x16"
		gemms["avx2"] = g
	}
	if g, err := NewGemm("openblas"); err == nil {
		gemms["openblas"] = g
	}
	rng := rand.New(rand.NewPCG(1, 1))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {8, 32, 16}, {17, 45, 300}, {130, 70, 9}, {16, 1100, 40}}
	for name, gm := range gemms {
		for _, sh := range shapes {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, -2}} {
					m, n, k := sh[0], sh[1], sh[2]
					lda, ldb, ldc := k+3, n+1, n+2
					if tr[0] {
						lda = m + 3
					}
					if tr[1] {
						ldb = k + 1
					}
					rows := func(tr bool, r, c int) int {
						if tr {
							return c
						}
						return r
					}
					a := randSlice(rng, rows(tr[0], m, k)*lda)
					b := randSlice(rng, rows(tr[1], k, n)*ldb)
					c := randSlice(rng, m*ldc)
					want := append([]float32(nil), c...)
					if ab[1] == 0 {
						for i := range c {
							c[i] = float32(math.NaN()) // beta 0 must not read C
						}
					}
					naiveGemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					gm.Sgemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							g, w := c[i*ldc+j], want[i*ldc+j]
							if !(math.Abs(float64(g-w)) <= 1e-4*float64(k)+1e-5) {
								t.Fatalf("%s %v m%d n%d k%d alpha %v beta %v: C[%d,%d] = %v, want %v", name, tr, m, n, k, ab[0], ab[1], i, j, g, w)
							}
						}
					}
				}
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// TestGemmNames checks that NewGemm reports its choice and refuses
// unknown kinds.
func TestGemmNames(t *testing.T) {
	for _, kind := range gemmKinds {
		g, err := NewGemm(kind)
		if kind == "openblas" && err != nil {
			t.Logf("openblas unavailable: %v", err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if g.Name() == "" {
			t.Errorf("%s: empty name", kind)
		}
		t.Logf("%s -> %s", kind, g.Name())
	}
	if _, err := NewGemm("mkl"); err == nil {
		t.Error("unknown kind accepted")
	}
}
