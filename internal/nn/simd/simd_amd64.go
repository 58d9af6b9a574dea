//go:build amd64 && !purego

// Package simd holds the engine's assembly: AVX-512 and AVX2 sgemm
// micro-kernels. It is separate from package nn because Go does not allow
// assembly in a package that uses cgo.
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

// HasAVX2FMA reports whether Kernel4x16 runs here (package cpufeat).
func HasAVX2FMA() bool { return cpufeat.HasAVX2FMA() }

// HasAVX512 reports whether Kernel8x32 and Dot4x4 run here.
func HasAVX512() bool { return cpufeat.HasAVX512() }
