//go:build amd64 && !purego

// Package simd holds the hand-vectorised kernels of package imgproc (which
// uses cgo and so cannot contain Go assembly itself), with portable
// stand-ins elsewhere. Results are bit-identical to the Go code they
// replace; imgproc's tests compare the two.
package simd

import "github.com/cxlseg/cxlseg/internal/cpufeat"

// HaveAVX2 reports whether the CPU and the OS support AVX2 (package
// cpufeat).
func HaveAVX2() bool { return cpufeat.HasAVX2() }

//go:noescape
func areaTranspose8(dst *byte, src *byte, stride, chunks int)

//go:noescape
func areaRowsAVX2(out *float32, t *byte, xstart *int32, xw *float32, taps, dw int)

// AreaRows8 runs the horizontal pass of OpenCV's INTER_AREA on the 8
// source rows src[r*stride:][:sw], r = 0..7, at once: out[dx*8+r] is the
// sum over taps k, in order, of float32(row r [xstart[dx]+k]) *
// xw[dx*taps+k], each product rounded before the add (no FMA). t is
// scratch of at least 8*sw bytes (the rows transposed). Only call it when
// HaveAVX2 is true.
func AreaRows8(out []float32, t []byte, src []byte, stride, sw int, xstart []int32, xw []float32, taps int) {
	dw := len(xstart)
	if dw == 0 || taps <= 0 || sw <= 0 {
		return
	}
	// Bounds the assembly relies on.
	_ = src[7*stride+sw-1]
	_ = t[8*sw-1]
	_ = out[8*dw-1]
	_ = xw[dw*taps-1]
	for _, x := range xstart {
		if x < 0 || int(x)+taps > sw {
			panic("simd: AreaRows8 tap window outside the row")
		}
	}
	chunks := sw / 16
	if chunks > 0 {
		areaTranspose8(&t[0], &src[0], stride, chunks)
	}
	for x := 16 * chunks; x < sw; x++ {
		for r := range 8 {
			t[x*8+r] = src[r*stride+x]
		}
	}
	areaRowsAVX2(&out[0], &t[0], &xstart[0], &xw[0], taps, dw)
}
