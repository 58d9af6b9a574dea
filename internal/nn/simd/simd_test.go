package simd

import (
	"math"
	"testing"
)

// TestKernels checks both assembly kernels against plain loops, where the
// CPU runs them.
func TestKernels(t *testing.T) {
	if !HasAVX512() {
		t.Skip("no AVX-512 on this CPU: the kernels are not used here")
	}
	const k, ldb, ldc = 37, 40, 35
	a := make([]float32, 8*k)
	b := make([]float32, k*ldb)
	c := make([]float32, 8*ldc)
	for i := range a {
		a[i] = float32(i%11) - 5
	}
	for i := range b {
		b[i] = float32(i%7) * 0.25
	}
	for i := range c {
		c[i] = 1
	}
	Kernel8x32(k, &a[0], &b[0], &c[0], ldb, ldc)
	for r := 0; r < 8; r++ {
		for j := 0; j < ldc; j++ {
			want := float32(1)
			if j < 32 {
				for p := 0; p < k; p++ {
					want += a[p*8+r] * b[p*ldb+j]
				}
			}
			if math.Abs(float64(c[r*ldc+j]-want)) > 1e-3 {
				t.Fatalf("Kernel8x32 C[%d,%d] = %v, want %v", r, j, c[r*ldc+j], want)
			}
		}
	}
	if HasAVX2FMA() {
		c2 := make([]float32, 4*ldc)
		a4 := a[:4*k]
		Kernel4x16(k, &a4[0], &b[0], &c2[0], ldb, ldc)
		for r := 0; r < 4; r++ {
			for j := 0; j < ldc; j++ {
				var want float32
				if j < 16 {
					for p := 0; p < k; p++ {
						want += a4[p*4+r] * b[p*ldb+j]
					}
				}
				if math.Abs(float64(c2[r*ldc+j]-want)) > 1e-3 {
					t.Fatalf("Kernel4x16 C[%d,%d] = %v, want %v", r, j, c2[r*ldc+j], want)
				}
			}
		}
	}
	const k16, lda2, ldb2 = 3, 50, 49
	a2 := make([]float32, 4*lda2)
	b2 := make([]float32, 4*ldb2)
	for i := range a2 {
		a2[i] = float32(i%5) - 2
	}
	for i := range b2 {
		b2[i] = float32(i%9) * 0.5
	}
	out := make([]float32, 256)
	Dot4x4(k16, &a2[0], lda2, &b2[0], ldb2, &out[0])
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var got, want float32
			for lane := 0; lane < 16; lane++ {
				got += out[(4*i+j)*16+lane]
			}
			for p := 0; p < 16*k16; p++ {
				want += a2[i*lda2+p] * b2[j*ldb2+p]
			}
			if math.Abs(float64(got-want)) > 1e-3 {
				t.Fatalf("Dot4x4 (%d,%d) = %v, want %v", i, j, got, want)
			}
		}
	}
}
