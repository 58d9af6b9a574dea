// Package simd holds the engine's assembly: an AVX-512 sgemm micro-kernel
// and CPU feature detection. It is separate from package nn because Go
// does not allow assembly in a package that uses cgo.
package simd

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

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

// HasAVX2FMA reports whether the CPU has AVX2 and FMA and the OS saves
// the ymm registers.
func HasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&(1<<27) == 0 || ecx1&(1<<12) == 0 { // OSXSAVE, FMA
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	if ebx7&(1<<5) == 0 { // AVX2
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0x6 == 0x6 // SSE and AVX state
}

// HasAVX512 reports whether the CPU has AVX-512F and the OS saves the zmm
// and opmask registers.
func HasAVX512() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&(1<<27) == 0 { // OSXSAVE
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	if ebx7&(1<<16) == 0 { // AVX512F
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0xe6 == 0xe6 // SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM
}
