//go:build amd64 && !purego

#include "textflag.h"

#define ROW(off, bz, acc0, acc1) \
	VBROADCASTSS off(SI), bz; \
	VFMADD231PS Z16, bz, acc0; \
	VFMADD231PS Z17, bz, acc1

#define STORE(acc0, acc1) \
	VADDPS (DX), acc0, acc0; \
	VMOVUPS acc0, (DX); \
	VADDPS 64(DX), acc1, acc1; \
	VMOVUPS acc1, 64(DX); \
	ADDQ BX, DX

// func Kernel8x32(k int, a, b, c *float32, ldb, ldc int)
//
// C[0:8, 0:32] += A*B for a packed A panel (a[p*8+r], p < k) and B rows of
// 32 floats ldb floats apart (b[p*ldb+j]); C rows are ldc floats apart.
// 16 zmm accumulators.
TEXT ·Kernel8x32(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldb+32(FP), R8
	SHLQ $2, R8
	MOVQ ldc+40(FP), BX
	SHLQ $2, BX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	TESTQ CX, CX
	JEQ store

loop:
	VMOVUPS (DI), Z16
	VMOVUPS 64(DI), Z17
	ROW(0, Z18, Z0, Z1)
	ROW(4, Z19, Z2, Z3)
	ROW(8, Z20, Z4, Z5)
	ROW(12, Z21, Z6, Z7)
	ROW(16, Z22, Z8, Z9)
	ROW(20, Z23, Z10, Z11)
	ROW(24, Z24, Z12, Z13)
	ROW(28, Z25, Z14, Z15)
	ADDQ $32, SI
	ADDQ R8, DI
	DECQ CX
	JNE loop

store:
	STORE(Z0, Z1)
	STORE(Z2, Z3)
	STORE(Z4, Z5)
	STORE(Z6, Z7)
	STORE(Z8, Z9)
	STORE(Z10, Z11)
	STORE(Z12, Z13)
	STORE(Z14, Z15)
	VZEROUPPER
	RET

#define DOTROW(areg, b0, b1, b2, b3, acc0, acc1, acc2, acc3) \
	VMOVUPS (areg), Z28; \
	VFMADD231PS b0, Z28, acc0; \
	VFMADD231PS b1, Z28, acc1; \
	VFMADD231PS b2, Z28, acc2; \
	VFMADD231PS b3, Z28, acc3

// func Dot4x4(k16 int, a *float32, lda int, b *float32, ldb int, out *float32)
//
// For i, j < 4: out[(4*i+j)*16 + lane] = sum over p < 16*k16 with
// p%16 == lane of a[i*lda+p]*b[j*ldb+p]: 16 partial dot products per
// pair, reduced by the caller. Rows of A and B are read in place.
TEXT ·Dot4x4(SB), NOSPLIT, $0-48
	MOVQ k16+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	MOVQ out+40(FP), DX
	LEAQ (SI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (DI)(R9*1), R13
	LEAQ (R13)(R9*1), R14
	LEAQ (R14)(R9*1), R15
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	TESTQ CX, CX
	JEQ dotstore

dotloop:
	VMOVUPS (DI), Z24
	VMOVUPS (R13), Z25
	VMOVUPS (R14), Z26
	VMOVUPS (R15), Z27
	DOTROW(SI, Z24, Z25, Z26, Z27, Z0, Z1, Z2, Z3)
	DOTROW(R10, Z24, Z25, Z26, Z27, Z4, Z5, Z6, Z7)
	DOTROW(R11, Z24, Z25, Z26, Z27, Z8, Z9, Z10, Z11)
	DOTROW(R12, Z24, Z25, Z26, Z27, Z12, Z13, Z14, Z15)
	ADDQ $64, SI
	ADDQ $64, R10
	ADDQ $64, R11
	ADDQ $64, R12
	ADDQ $64, DI
	ADDQ $64, R13
	ADDQ $64, R14
	ADDQ $64, R15
	DECQ CX
	JNE dotloop

dotstore:
	VMOVUPS Z0, 0(DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, 192(DX)
	VMOVUPS Z4, 256(DX)
	VMOVUPS Z5, 320(DX)
	VMOVUPS Z6, 384(DX)
	VMOVUPS Z7, 448(DX)
	VMOVUPS Z8, 512(DX)
	VMOVUPS Z9, 576(DX)
	VMOVUPS Z10, 640(DX)
	VMOVUPS Z11, 704(DX)
	VMOVUPS Z12, 768(DX)
	VMOVUPS Z13, 832(DX)
	VMOVUPS Z14, 896(DX)
	VMOVUPS Z15, 960(DX)
	VZEROUPPER
	RET

#define ROW2(off, bz, acc0, acc1) \
	VBROADCASTSS off(SI), bz; \
	VFMADD231PS Y8, bz, acc0; \
	VFMADD231PS Y9, bz, acc1

#define STORE2(acc0, acc1) \
	VADDPS (DX), acc0, acc0; \
	VMOVUPS acc0, (DX); \
	VADDPS 32(DX), acc1, acc1; \
	VMOVUPS acc1, 32(DX); \
	ADDQ BX, DX

// func Kernel4x16(k int, a, b, c *float32, ldb, ldc int)
//
// The AVX2+FMA micro-kernel: C[0:4, 0:16] += A*B for a packed A panel
// (a[p*4+r]) and B rows of 16 floats ldb floats apart; 8 ymm accumulators.
TEXT ·Kernel4x16(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldb+32(FP), R8
	SHLQ $2, R8
	MOVQ ldc+40(FP), BX
	SHLQ $2, BX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JEQ store2

loop2:
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	ROW2(0, Y10, Y0, Y1)
	ROW2(4, Y11, Y2, Y3)
	ROW2(8, Y12, Y4, Y5)
	ROW2(12, Y13, Y6, Y7)
	ADDQ $16, SI
	ADDQ R8, DI
	DECQ CX
	JNE loop2

store2:
	STORE2(Y0, Y1)
	STORE2(Y2, Y3)
	STORE2(Y4, Y5)
	STORE2(Y6, Y7)
	VZEROUPPER
	RET
