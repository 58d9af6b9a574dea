//go:build amd64 && !purego

// Package simd holds the hand-vectorised kernels of package imgproc (which
// uses cgo and so cannot contain Go assembly itself), with portable
// stand-ins elsewhere. Results are bit-identical to the Go code they
// replace; imgproc's tests compare the two.
package simd

//go:noescape
func areaHPassAVX2(buf *float32, s *byte, offs *int32, ws *float32, taps, dw, blocks int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// HaveAVX2 reports whether the CPU and the OS support AVX2 (CPUID leaf 7
// EBX bit 5, with AVX state enabled in XCR0).
func HaveAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 || xgetbv0()&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// AreaHPass runs the horizontal pass of OpenCV's INTER_AREA over the
// first 16*blocks of len(buf) destination columns: buf[dx] is the sum over
// taps k, in order, of float32(s[offs[k*dw+dx]]) * ws[k*dw+dx] with
// dw = len(buf), each product rounded before the add (no FMA). s must have
// 3 readable bytes past its largest offset (the gather loads 4 bytes).
// Only call it when HaveAVX2 is true.
func AreaHPass(buf []float32, s []byte, offs []int32, ws []float32, taps, blocks int) {
	if blocks <= 0 || taps <= 0 {
		return
	}
	dw := len(buf)
	// Bounds the assembly relies on, checked once per row.
	_ = buf[16*blocks-1]
	_ = offs[(taps-1)*dw+16*blocks-1]
	_ = ws[(taps-1)*dw+16*blocks-1]
	areaHPassAVX2(&buf[0], &s[0], &offs[0], &ws[0], taps, dw, blocks)
}
