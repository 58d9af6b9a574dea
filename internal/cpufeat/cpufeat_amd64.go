//go:build amd64 && !purego

package cpufeat

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// leaf7 returns CPUID leaf 7's EBX and leaf 1's ECX, and whether the OS
// enabled XSAVE (without which no AVX state is saved).
func leaf7() (ebx7, ecx1 uint32, ok bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return 0, 0, false
	}
	_, _, ecx1, _ = cpuid(1, 0)
	if ecx1&(1<<27) == 0 { // OSXSAVE
		return 0, 0, false
	}
	_, ebx7, _, _ = cpuid(7, 0)
	return ebx7, ecx1, true
}

// HasAVX2 reports AVX2 with the ymm state enabled.
func HasAVX2() bool {
	ebx7, ecx1, ok := leaf7()
	if !ok || ecx1&(1<<28) == 0 || ebx7&(1<<5) == 0 { // AVX, AVX2
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0x6 == 0x6 // SSE and AVX state
}

// HasAVX2FMA reports AVX2 and FMA with the ymm state enabled.
func HasAVX2FMA() bool {
	_, ecx1, ok := leaf7()
	return ok && ecx1&(1<<12) != 0 && HasAVX2() // FMA
}

// HasAVX512 reports AVX-512F with the zmm and opmask state enabled.
func HasAVX512() bool {
	ebx7, _, ok := leaf7()
	if !ok || ebx7&(1<<16) == 0 { // AVX512F
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0xe6 == 0xe6 // SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM
}
