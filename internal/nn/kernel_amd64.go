package nn

import (
	"unsafe"

	"cxlseg/internal/nn/simd"
)

// simdKernel returns the 8x32 assembly micro-kernel when the CPU runs it.
func simdKernel() (microKernel, string) {
	if !simd.HasAVX512() {
		return nil, ""
	}
	return func(k int, a, b []float32, ldb int, c []float32, ldc int) {
		if k <= 0 {
			return
		}
		_ = a[8*k-1]
		_ = b[(k-1)*ldb+31]
		_ = c[7*ldc+31]
		simd.Kernel8x32(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldb, ldc)
	}, "avx512 8x32"
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
