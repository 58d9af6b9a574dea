//go:build amd64 && !purego

package nn

import (
	"unsafe"

	"github.com/cxlseg/cxlseg/internal/nn/simd"
)

// simdKernel returns the best assembly micro-kernel the CPU runs (with
// its mr, nr), or nil.
func simdKernel() (microKernel, int, int, string) {
	if simd.HasAVX512() {
		return avx512Kernel(), 8, 32, "avx512 8x32"
	}
	if simd.HasAVX2FMA() {
		return avx2Kernel(), 4, 16, "avx2 4x16"
	}
	return nil, 0, 0, ""
}

// avx2Kernel wraps the AVX2+FMA 4x16 kernel with bounds checks.
func avx2Kernel() microKernel {
	return func(k int, a, b []float32, ldb int, c []float32, ldc int) {
		if k <= 0 {
			return
		}
		_ = a[4*k-1]
		_ = b[(k-1)*ldb+15]
		_ = c[3*ldc+15]
		simd.Kernel4x16(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldb, ldc)
	}
}

// avx512Kernel wraps the AVX-512 8x32 kernel with bounds checks.
func avx512Kernel() microKernel {
	return func(k int, a, b []float32, ldb int, c []float32, ldc int) {
		if k <= 0 {
			return
		}
		_ = a[8*k-1]
		_ = b[(k-1)*ldb+31]
		_ = c[7*ldc+31]
		simd.Kernel8x32(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldb, ldc)
	}
}

// simdDot returns the 4x4 dot-product kernel for C = A*B^T with both
// operands read in place, when the CPU runs it.
func simdDot() dotKernel {
	if !simd.HasAVX512() {
		return nil
	}
	return func(k16 int, a []float32, lda int, b []float32, ldb int, out []float32) {
		if k16 <= 0 {
			clear(out[:256])
			return
		}
		_ = a[3*lda+16*k16-1]
		_ = b[3*ldb+16*k16-1]
		_ = out[255]
		simd.Dot4x4(k16, unsafe.SliceData(a), lda, unsafe.SliceData(b), ldb, unsafe.SliceData(out))
	}
}
