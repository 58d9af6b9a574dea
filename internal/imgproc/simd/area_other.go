//go:build !amd64 || purego

// Package simd holds the hand-vectorised kernels of package imgproc; on
// this platform there are none and HaveAVX2 is false.
package simd

// HaveAVX2 is false off amd64 (or with the purego tag): imgproc runs its
// Go code.
func HaveAVX2() bool { return false }

// AreaRows8 is never called when HaveAVX2 is false.
func AreaRows8(out []float32, t []byte, src []byte, stride, sw int, xstart []int32, xw []float32, taps int) {
	panic("simd: AreaRows8 without AVX2")
}
