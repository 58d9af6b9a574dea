//go:build !amd64 || purego

// Package simd holds the hand-vectorised kernels of package imgproc; on
// this platform there are none and HaveAVX2 is false.
package simd

// HaveAVX2 is false off amd64 (or with the purego tag): imgproc runs its
// Go code.
func HaveAVX2() bool { return false }

// AreaHPass is never called when HaveAVX2 is false.
func AreaHPass(buf []float32, s []byte, offs []int32, ws []float32, taps, blocks int) {
	panic("simd: AreaHPass without AVX2")
}
