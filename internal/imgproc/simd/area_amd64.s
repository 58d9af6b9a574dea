//go:build amd64 && !purego

#include "textflag.h"

// func areaHPassAVX2(buf *float32, s *byte, offs *int32, ws *float32, taps, dw, blocks int)
//
// For blocks groups of 16 destination columns: buf[dx] = sum over taps k
// (in order) of float32(s[offs[k*dw+dx]]) * ws[k*dw+dx], with a separate
// multiply and add (no FMA) per tap, exactly as the scalar Go code and
// OpenCV compute it. Each lane is one column; VPGATHERDD fetches the 16
// source pixels of a tap (4 bytes each, masked to the low byte, so the
// caller guarantees 3 readable bytes past the row).
TEXT ·areaHPassAVX2(SB), NOSPLIT, $0-56
	MOVQ buf+0(FP), DI
	MOVQ s+8(FP), SI
	MOVQ offs+16(FP), R8
	MOVQ ws+24(FP), R9
	MOVQ taps+32(FP), R10
	MOVQ dw+40(FP), R11
	SHLQ $2, R11 // bytes from one tap's row of the tables to the next
	MOVQ blocks+48(FP), R12
	VPCMPEQD Y15, Y15, Y15
	VPSRLD $24, Y15, Y15 // 0x000000FF in every lane

block:
	TESTQ R12, R12
	JZ done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ R8, AX
	MOVQ R9, BX
	MOVQ R10, CX

tap:
	VMOVDQU (AX), Y2
	VMOVDQU 32(AX), Y3
	VPCMPEQD Y4, Y4, Y4
	VPCMPEQD Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	VPGATHERDD Y4, (SI)(Y2*1), Y6
	VPGATHERDD Y5, (SI)(Y3*1), Y7
	VPAND Y15, Y6, Y6
	VPAND Y15, Y7, Y7
	VCVTDQ2PS Y6, Y6
	VCVTDQ2PS Y7, Y7
	VMULPS (BX), Y6, Y6
	VMULPS 32(BX), Y7, Y7
	VADDPS Y6, Y0, Y0
	VADDPS Y7, Y1, Y1
	ADDQ R11, AX
	ADDQ R11, BX
	DECQ CX
	JNZ tap

	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	DECQ R12
	JMP block

done:
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET
