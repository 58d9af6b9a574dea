//go:build !amd64 || purego

// Package simd holds the engine's assembly: an AVX-512 sgemm micro-kernel
// and CPU feature detection. This architecture has none.
package simd

// HasAVX512 reports false: there is no assembly for this architecture.
func HasAVX512() bool { return false }

// Kernel8x32 is never called where HasAVX512 is false.
func Kernel8x32(k int, a, b, c *float32, ldb, ldc int) { panic("simd: no kernel on this architecture") }

// Dot4x4 is never called where HasAVX512 is false.
func Dot4x4(k16 int, a *float32, lda int, b *float32, ldb int, out *float32) {
	panic("simd: no kernel on this architecture")
}

// HasAVX2FMA reports false: there is no assembly for this architecture.
func HasAVX2FMA() bool { return false }

// Kernel4x16 is never called where HasAVX2FMA is false.
func Kernel4x16(k int, a, b, c *float32, ldb, ldc int) {
	panic("simd: no kernel on this architecture")
}

// Conv3x3x8x32 is never called where HasAVX512 is false.
func Conv3x3x8x32(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, m0, m1, m2 int) {
	panic("simd: no kernel on this architecture")
}

// ConvT3x3s2x4x64 is never called where HasAVX512 is false.
func ConvT3x3s2x4x64(cin, taps int, a, b *float32, plane, wp int, c *float32, ldc int, bias *float32, mask uint64) {
	panic("simd: no kernel on this architecture")
}

// MaxPool2Row is never called where HasAVX512 is false.
func MaxPool2Row(r0, r1, dst *float32, n int) { panic("simd: no kernel on this architecture") }

// Conv3x3x4x24 is never called where HasAVX2FMA is false.
func Conv3x3x4x24(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, masks *uint32, full int) {
	panic("simd: no kernel on this architecture")
}
