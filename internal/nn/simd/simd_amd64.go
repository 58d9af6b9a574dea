//go:build amd64 && !purego

// Package simd holds the engine's assembly: AVX-512 and AVX2 sgemm
// micro-kernels and direct 3x3 convolution kernels, and AVX-512 kernels
// for the 3x3 stride-2 transposed convolution and 2x2 max pooling. It is
// separate from package nn because Go does not allow assembly in a
// package that uses cgo.
package simd

import "github.com/cxlseg/cxlseg/internal/cpufeat"

// Kernel8x32 adds A*B to the 8x32 tile of C at c (rows ldc floats apart),
// for a packed A panel a[p*8+r] and B rows b[p*ldb : p*ldb+32], p < k.
// Callers check bounds and HasAVX512 first.
//
//go:noescape
func Kernel8x32(k int, a, b, c *float32, ldb, ldc int)

// Dot4x4 writes, for i, j < 4, the 16 lane-wise partial sums of
// a[i*lda+p]*b[j*ldb+p] over p < 16*k16 to out[(4*i+j)*16 : +16]. The
// caller sums the lanes. Callers check bounds and HasAVX512 first.
//
//go:noescape
func Dot4x4(k16 int, a *float32, lda int, b *float32, ldb int, out *float32)

// Kernel4x16 adds A*B to the 4x16 tile of C at c (rows ldc floats apart),
// for a packed A panel a[p*4+r] and B rows b[p*ldb : p*ldb+16], p < k,
// with AVX2 and FMA. Callers check bounds and HasAVX2FMA first.
//
//go:noescape
func Kernel4x16(k int, a, b, c *float32, ldb, ldc int)

// Conv3x3x8x32 computes 8 output channels by 32 consecutive pixels of a
// 3x3 convolution (stride 1, padding 1) with no im2col, from an input
// laid out like the output (rows w floats apart, no padding; channels
// plane floats apart) with zero rows above and below the image: b is the
// first pixel's position in the row above it, so that kernel tap (kh, kw)
// of lane j reads b[j+kh*w+kw-1] and the 32 pixels may span rows. The
// pixels under kernel column kw are loaded under mask m0, m1 or m2 (bit j:
// lane j), which must clear the lanes whose neighbour lies across the
// left or right border (and lanes past the input), so that only pixels of
// the image are read. a holds the packed weights a[(ci*9+kh*3+kw)*8+r].
// It stores sum + bias[r] (then max(., 0) when relu) to c[r*ldc+j] for
// every j < 32 whose bit is set in m1. Callers check bounds and
// HasAVX512 first.
//
//go:noescape
func Conv3x3x8x32(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, m0, m1, m2 int)

// Conv3x3x4x24 is Conv3x3x8x32 for AVX2 and FMA: 4 output channels by 24
// consecutive pixels, a[(ci*9+kh*3+kw)*4+r], the same input layout. It
// reads whole vectors, so one float before b and 25 after each row start
// must be readable, and clears the neighbours across the borders by ANDing
// kernel columns 0 and 2 with masks[0:24] and masks[24:48] (all ones or
// zero per lane). It stores sum + bias[r] (then max(., 0) when relu) to
// c[r*ldc+j] for j < 24 (full != 0) or for the j with masks[48+j] set.
// Callers check bounds and HasAVX2FMA first.
//
//go:noescape
func Conv3x3x4x24(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, masks *uint32, full int)

// ConvT3x3s2x4x64 computes 4 output channels by 64 pixels of one output
// row of PyTorch's ConvTranspose2d(k=3, stride 2, padding 1, output
// padding 1) from input rows that end in a zero column (and a zero row
// after the image): the even output pixels 2x read input column x, the odd
// ones x and x+1. b is input column x0 of the first of taps rows (wp floats
// apart, channels plane floats apart); a holds per input channel and row
// tap the 4 channels' weights of kernel columns 1, 2 and 0. It stores
// sum + bias[r] to c[r*ldc+j] for every j < 64 whose bit is set in mask.
// Callers check bounds and HasAVX512 first; each row is read up to 33
// floats past b.
//
//go:noescape
func ConvT3x3s2x4x64(cin, taps int, a, b *float32, plane, wp int, c *float32, ldc int, bias *float32, mask uint64)

// MaxPool2Row writes dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1])
// for j < n: one output row of 2x2 max pooling. Callers check bounds and
// HasAVX512 first.
//
//go:noescape
func MaxPool2Row(r0, r1, dst *float32, n int)

// HasAVX2FMA reports whether Kernel4x16 runs here (package cpufeat).
func HasAVX2FMA() bool { return cpufeat.HasAVX2FMA() }

// HasAVX512 reports whether Kernel8x32 and Dot4x4 run here.
func HasAVX512() bool { return cpufeat.HasAVX512() }
