//go:build amd64 && !purego

#include "textflag.h"

// func areaTranspose8(dst *byte, src *byte, stride, chunks int)
//
// Transposes 8 rows (src, src+stride, ..., src+7*stride) of 16*chunks
// bytes into dst[x*8+r] = row r, column x: three rounds of unpacking
// (bytes, words, dwords) turn 8 rows of 16 columns into 16 columns of 8
// rows.
TEXT ·areaTranspose8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ chunks+24(FP), CX
	LEAQ (SI)(DX*1), R8   // row 1
	LEAQ (SI)(DX*2), R9   // row 2
	LEAQ (R8)(DX*2), R10  // row 3
	LEAQ (SI)(DX*4), R11  // row 4
	LEAQ (R8)(DX*4), R12  // row 5
	LEAQ (R9)(DX*4), R13  // row 6
	LEAQ (R10)(DX*4), R14 // row 7
	XORQ AX, AX           // column

tchunk:
	TESTQ CX, CX
	JZ tdone
	VMOVDQU (SI)(AX*1), X0
	VMOVDQU (R8)(AX*1), X1
	VMOVDQU (R9)(AX*1), X2
	VMOVDQU (R10)(AX*1), X3
	VMOVDQU (R11)(AX*1), X4
	VMOVDQU (R12)(AX*1), X5
	VMOVDQU (R13)(AX*1), X6
	VMOVDQU (R14)(AX*1), X7

	// Bytes: pairs of rows, columns 0-7 (lo) and 8-15 (hi).
	VPUNPCKLBW X1, X0, X8
	VPUNPCKHBW X1, X0, X9
	VPUNPCKLBW X3, X2, X10
	VPUNPCKHBW X3, X2, X11
	VPUNPCKLBW X5, X4, X12
	VPUNPCKHBW X5, X4, X13
	VPUNPCKLBW X7, X6, X14
	VPUNPCKHBW X7, X6, X15

	// Words: rows 0-3 and 4-7 of columns 0-3, 4-7, 8-11, 12-15.
	VPUNPCKLWD X10, X8, X0
	VPUNPCKHWD X10, X8, X1
	VPUNPCKLWD X11, X9, X2
	VPUNPCKHWD X11, X9, X3
	VPUNPCKLWD X14, X12, X4
	VPUNPCKHWD X14, X12, X5
	VPUNPCKLWD X15, X13, X6
	VPUNPCKHWD X15, X13, X7

	// Dwords: all 8 rows of two columns per register.
	VPUNPCKLDQ X4, X0, X8
	VPUNPCKHDQ X4, X0, X9
	VPUNPCKLDQ X5, X1, X10
	VPUNPCKHDQ X5, X1, X11
	VPUNPCKLDQ X6, X2, X12
	VPUNPCKHDQ X6, X2, X13
	VPUNPCKLDQ X7, X3, X14
	VPUNPCKHDQ X7, X3, X15

	MOVQ AX, BX
	SHLQ $3, BX
	ADDQ DI, BX
	VMOVDQU X8, (BX)
	VMOVDQU X9, 16(BX)
	VMOVDQU X10, 32(BX)
	VMOVDQU X11, 48(BX)
	VMOVDQU X12, 64(BX)
	VMOVDQU X13, 80(BX)
	VMOVDQU X14, 96(BX)
	VMOVDQU X15, 112(BX)
	ADDQ $16, AX
	DECQ CX
	JMP tchunk

tdone:
	VZEROUPPER
	RET

// func areaRowsAVX2(out *float32, t *byte, xstart *int32, xw *float32, taps, dw int)
//
// The horizontal pass for 8 source rows at once, one row per lane, on the
// transposed rows t: out[dx*8+r] = sum over k in order of
// float32(t[(xstart[dx]+k)*8+r]) * xw[dx*taps+k], multiply and add kept
// separate (no FMA). Two columns advance together so their dependent adds
// overlap.
TEXT ·areaRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ t+8(FP), SI
	MOVQ xstart+16(FP), R8
	MOVQ xw+24(FP), R9
	MOVQ taps+32(FP), R10
	MOVQ dw+40(FP), R11
	MOVQ R10, R12
	SHLQ $2, R12 // bytes of one column's weights

rpair:
	CMPQ R11, $2
	JLT rcol
	VXORPS Y0, Y0, Y0
	VXORPS Y3, Y3, Y3
	MOVLQSX (R8), AX
	SHLQ $3, AX
	ADDQ SI, AX
	MOVLQSX 4(R8), DX
	SHLQ $3, DX
	ADDQ SI, DX
	MOVQ R9, BX
	LEAQ (R9)(R12*1), R13
	MOVQ R10, CX

rptap:
	VPMOVZXBD (AX), Y1
	VPMOVZXBD (DX), Y4
	VCVTDQ2PS Y1, Y1
	VCVTDQ2PS Y4, Y4
	VBROADCASTSS (BX), Y2
	VBROADCASTSS (R13), Y5
	VMULPS Y2, Y1, Y1
	VMULPS Y5, Y4, Y4
	VADDPS Y1, Y0, Y0
	VADDPS Y4, Y3, Y3
	ADDQ $8, AX
	ADDQ $8, DX
	ADDQ $4, BX
	ADDQ $4, R13
	DECQ CX
	JNZ rptap

	VMOVUPS Y0, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ $64, DI
	ADDQ $8, R8
	LEAQ (R9)(R12*2), R9
	SUBQ $2, R11
	JMP rpair

rcol:
	TESTQ R11, R11
	JZ rdone
	VXORPS Y0, Y0, Y0
	MOVLQSX (R8), AX
	SHLQ $3, AX
	ADDQ SI, AX
	MOVQ R9, BX
	MOVQ R10, CX

rtap:
	VPMOVZXBD (AX), Y1
	VCVTDQ2PS Y1, Y1
	VBROADCASTSS (BX), Y2
	VMULPS Y2, Y1, Y1
	VADDPS Y1, Y0, Y0
	ADDQ $8, AX
	ADDQ $4, BX
	DECQ CX
	JNZ rtap

	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $4, R8
	ADDQ R12, R9
	DECQ R11
	JMP rcol

rdone:
	VZEROUPPER
	RET
