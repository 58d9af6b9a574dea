//go:build amd64 && !purego

package nn

import (
	"math/bits"
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

// simdConv3x3 returns the best direct 3x3 convolution kernel the CPU
// runs, or nil.
func simdConv3x3() *conv3x3Kernel {
	if ks := convKernels(); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// convKernels returns the direct 3x3 convolution kernels the CPU runs,
// best first, with bounds checks: AVX-512 (8 output channels by 32
// pixels), AVX2 (4 by 24). The tile's input starts at b[off]: the masks
// decide which pixels around it are read.
func convKernels() []*conv3x3Kernel {
	var ks []*conv3x3Kernel
	if simd.HasAVX512() {
		ks = append(ks, &conv3x3Kernel{group: 8, block: 32, run: func(cin int, a, b []float32, off, plane, w int, c []float32, ldc int, bias []float32, relu bool, m0, m1, m2 uint32) {
			if cin <= 0 || m1 == 0 {
				return
			}
			_ = a[cin*72-1]
			if m0&1 != 0 {
				_ = b[off-1] // the pixel left of the tile
			}
			_ = b[off+(cin-1)*plane+2*w+max(bits.Len32(m1)-1, bits.Len32(m2))]
			_ = c[7*ldc+bits.Len32(m1)-1]
			_ = bias[7]
			simd.Conv3x3x8x32(cin, unsafe.SliceData(a), &b[off], plane, w, unsafe.SliceData(c), ldc, unsafe.SliceData(bias), relu, int(m0), int(m1), int(m2))
		}})
	}
	if simd.HasAVX2FMA() {
		ks = append(ks, &conv3x3Kernel{group: 4, block: 24, run: func(cin int, a, b []float32, off, plane, w int, c []float32, ldc int, bias []float32, relu bool, m0, m1, m2 uint32) {
			if cin <= 0 || m1 == 0 {
				return
			}
			_ = a[cin*36-1]
			_ = b[off-1]                    // read whole, masked after
			_ = b[off+(cin-1)*plane+2*w+24] // likewise
			_ = c[3*ldc+bits.Len32(m1)-1]
			_ = bias[3]
			const all = 1<<24 - 1
			full := 0
			if m1 == all {
				full = 1
			}
			masks := &avx2AllLanes
			var m [72]uint32
			if m0 != all || m2 != all || m1 != all {
				expandLanes(m[0:24], m0)
				expandLanes(m[24:48], m2)
				expandLanes(m[48:72], m1)
				masks = &m
			}
			simd.Conv3x3x4x24(cin, unsafe.SliceData(a), &b[off], plane, w, unsafe.SliceData(c), ldc, unsafe.SliceData(bias), relu, &masks[0], full)
		}})
	}
	return ks
}

// avx2AllLanes is the AVX2 kernel's masks for a block with no border
// inside: every lane loaded whole and stored.
var avx2AllLanes = func() (m [72]uint32) {
	for i := range m {
		m[i] = ^uint32(0)
	}
	return m
}()

// expandLanes writes lane j of dst as all ones when bit j of bits is set,
// else zero (the AVX2 kernel's vector masks).
func expandLanes(dst []uint32, bits uint32) {
	for j := range dst {
		dst[j] = -(bits >> j & 1)
	}
}

// simdConvT3x3s2 returns the direct stride-2 transposed convolution
// kernel (4 output channels by 64 pixels) with bounds checks, or nil
// without AVX-512.
func simdConvT3x3s2() convTKernel {
	if !simd.HasAVX512() {
		return nil
	}
	return func(cin, taps int, a, b []float32, plane, wp int, c []float32, ldc int, bias []float32, mask uint64) {
		if cin <= 0 || mask == 0 {
			return
		}
		_ = a[cin*taps*12-1]
		_ = b[(cin-1)*plane+(taps-1)*wp+32]
		_ = c[3*ldc+bits.Len64(mask)-1]
		_ = bias[3]
		simd.ConvT3x3s2x4x64(cin, taps, unsafe.SliceData(a), unsafe.SliceData(b), plane, wp, unsafe.SliceData(c), ldc, unsafe.SliceData(bias), mask)
	}
}

// simdMaxPoolRow returns the 2x2 max-pooling row kernel with bounds
// checks, or nil without AVX-512.
func simdMaxPoolRow() func(r0, r1, dst []float32) {
	if !simd.HasAVX512() {
		return nil
	}
	return func(r0, r1, dst []float32) {
		n := len(dst)
		if n == 0 {
			return
		}
		_ = r0[2*n-1]
		_ = r1[2*n-1]
		simd.MaxPool2Row(unsafe.SliceData(r0), unsafe.SliceData(r1), unsafe.SliceData(dst), n)
	}
}
