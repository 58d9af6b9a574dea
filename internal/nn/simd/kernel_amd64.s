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

// CTAP is one tap of Conv3x3x8x32: two zmm of input pixels at b0, b1
// (lanes masked off by k0, k1 are zero and not read) times the 8 packed
// weights at o0..o7(SI).
#define CTAP(b0, b1, k0, k1, o0, o1, o2, o3, o4, o5, o6, o7) \
	VMOVUPS.Z b0, k0, Z16; \
	VMOVUPS.Z b1, k1, Z17; \
	ROW(o0, Z18, Z0, Z1); \
	ROW(o1, Z19, Z2, Z3); \
	ROW(o2, Z20, Z4, Z5); \
	ROW(o3, Z21, Z6, Z7); \
	ROW(o4, Z22, Z8, Z9); \
	ROW(o5, Z23, Z10, Z11); \
	ROW(o6, Z24, Z12, Z13); \
	ROW(o7, Z25, Z14, Z15)

// CBIAS adds bias bo(R11) to one output channel's accumulators.
#define CBIAS(bo, acc0, acc1) \
	VBROADCASTSS bo(R11), Z18; \
	VADDPS Z18, acc0, acc0; \
	VADDPS Z18, acc1, acc1

// CPUT stores one output channel's lanes selected by K3 and K4 and moves
// DX to the next channel.
#define CPUT(acc0, acc1) \
	VMOVUPS acc0, K3, (DX); \
	VMOVUPS acc1, K4, 64(DX); \
	ADDQ BX, DX

// func Conv3x3x8x32(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, m0, m1, m2 int)
//
// A direct 3x3 convolution tile, 8 output channels by 32 consecutive
// pixels, with no im2col: the input is laid out like the output (rows w
// floats apart, channels plane floats apart, zero rows above and below
// the image) and b is the first pixel's position in the row above it, so
// the nine taps are fixed offsets from b and the pixels may span rows.
// Kernel columns 0, 1, 2 (the pixel to the left, the pixel, the pixel to
// the right) load under masks m0, m1, m2, which zero the neighbours
// across the left and right borders without reading them. a holds the
// packed weights, a[(ci*9+kh*3+kw)*8+r]. Output channel r, pixel j (for
// the j whose bit is set in m1) gets the sum plus bias[r], ReLU'd when
// relu, at c[r*ldc+j]. 16 zmm accumulators.
TEXT ·Conv3x3x8x32(SB), NOSPLIT, $0-96
	MOVQ cin+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ plane+24(FP), R10
	SHLQ $2, R10
	MOVQ w+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*1), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), BX
	SHLQ $2, BX
	MOVQ bias+56(FP), R11
	MOVQ m0+72(FP), AX
	KMOVW AX, K1
	SHRQ $16, AX
	KMOVW AX, K2
	MOVQ m1+80(FP), AX
	KMOVW AX, K3
	SHRQ $16, AX
	KMOVW AX, K4
	MOVQ m2+88(FP), AX
	KMOVW AX, K5
	SHRQ $16, AX
	KMOVW AX, K6
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
	JEQ convstore

convloop:
	CTAP(-4(DI), 60(DI), K1, K2, 0, 4, 8, 12, 16, 20, 24, 28)
	CTAP(0(DI), 64(DI), K3, K4, 32, 36, 40, 44, 48, 52, 56, 60)
	CTAP(4(DI), 68(DI), K5, K6, 64, 68, 72, 76, 80, 84, 88, 92)
	CTAP(-4(DI)(R8*1), 60(DI)(R8*1), K1, K2, 96, 100, 104, 108, 112, 116, 120, 124)
	CTAP(0(DI)(R8*1), 64(DI)(R8*1), K3, K4, 128, 132, 136, 140, 144, 148, 152, 156)
	CTAP(4(DI)(R8*1), 68(DI)(R8*1), K5, K6, 160, 164, 168, 172, 176, 180, 184, 188)
	CTAP(-4(DI)(R9*1), 60(DI)(R9*1), K1, K2, 192, 196, 200, 204, 208, 212, 216, 220)
	CTAP(0(DI)(R9*1), 64(DI)(R9*1), K3, K4, 224, 228, 232, 236, 240, 244, 248, 252)
	CTAP(4(DI)(R9*1), 68(DI)(R9*1), K5, K6, 256, 260, 264, 268, 272, 276, 280, 284)
	ADDQ $288, SI
	ADDQ R10, DI
	DECQ CX
	JNE convloop

convstore:
	CBIAS(0, Z0, Z1)
	CBIAS(4, Z2, Z3)
	CBIAS(8, Z4, Z5)
	CBIAS(12, Z6, Z7)
	CBIAS(16, Z8, Z9)
	CBIAS(20, Z10, Z11)
	CBIAS(24, Z12, Z13)
	CBIAS(28, Z14, Z15)
	MOVBQZX relu+64(FP), AX
	TESTQ AX, AX
	JEQ convput
	// max(v, 0) with the accumulator second, so NaN stays NaN as in Go.
	VPXORD Z30, Z30, Z30
	VMAXPS Z0, Z30, Z0
	VMAXPS Z1, Z30, Z1
	VMAXPS Z2, Z30, Z2
	VMAXPS Z3, Z30, Z3
	VMAXPS Z4, Z30, Z4
	VMAXPS Z5, Z30, Z5
	VMAXPS Z6, Z30, Z6
	VMAXPS Z7, Z30, Z7
	VMAXPS Z8, Z30, Z8
	VMAXPS Z9, Z30, Z9
	VMAXPS Z10, Z30, Z10
	VMAXPS Z11, Z30, Z11
	VMAXPS Z12, Z30, Z12
	VMAXPS Z13, Z30, Z13
	VMAXPS Z14, Z30, Z14
	VMAXPS Z15, Z30, Z15

convput:
	CPUT(Z0, Z1)
	CPUT(Z2, Z3)
	CPUT(Z4, Z5)
	CPUT(Z6, Z7)
	CPUT(Z8, Z9)
	CPUT(Z10, Z11)
	CPUT(Z12, Z13)
	CPUT(Z14, Z15)
	VZEROUPPER
	RET

// convtIdx interleaves two zmm a and b (VPERMI2PS): its first 16
// indices pick a[0], b[0], a[1], b[1], ... a[7], b[7], the next 16 the
// same from a[8] to b[15].

DATA convtIdx<>+0(SB)/4, $0
DATA convtIdx<>+4(SB)/4, $16
DATA convtIdx<>+8(SB)/4, $1
DATA convtIdx<>+12(SB)/4, $17
DATA convtIdx<>+16(SB)/4, $2
DATA convtIdx<>+20(SB)/4, $18
DATA convtIdx<>+24(SB)/4, $3
DATA convtIdx<>+28(SB)/4, $19
DATA convtIdx<>+32(SB)/4, $4
DATA convtIdx<>+36(SB)/4, $20
DATA convtIdx<>+40(SB)/4, $5
DATA convtIdx<>+44(SB)/4, $21
DATA convtIdx<>+48(SB)/4, $6
DATA convtIdx<>+52(SB)/4, $22
DATA convtIdx<>+56(SB)/4, $7
DATA convtIdx<>+60(SB)/4, $23
DATA convtIdx<>+64(SB)/4, $8
DATA convtIdx<>+68(SB)/4, $24
DATA convtIdx<>+72(SB)/4, $9
DATA convtIdx<>+76(SB)/4, $25
DATA convtIdx<>+80(SB)/4, $10
DATA convtIdx<>+84(SB)/4, $26
DATA convtIdx<>+88(SB)/4, $11
DATA convtIdx<>+92(SB)/4, $27
DATA convtIdx<>+96(SB)/4, $12
DATA convtIdx<>+100(SB)/4, $28
DATA convtIdx<>+104(SB)/4, $13
DATA convtIdx<>+108(SB)/4, $29
DATA convtIdx<>+112(SB)/4, $14
DATA convtIdx<>+116(SB)/4, $30
DATA convtIdx<>+120(SB)/4, $15
DATA convtIdx<>+124(SB)/4, $31
GLOBL convtIdx<>(SB), RODATA|NOPTR, $128

// CTCH adds one input row tap to output channel c of ConvT3x3s2x4x64:
// even pixels (e0, e1) += kernel column 1 at o1(SI) times x (Z16, Z17);
// odd ones (d0, d1) += column 2 at o2 times x plus column 0 at o0 times
// x+1 (Z18, Z19).
#define CTCH(o1, o2, o0, e0, e1, d0, d1) \
	VBROADCASTSS o1(SI), Z20; \
	VFMADD231PS Z16, Z20, e0; \
	VFMADD231PS Z17, Z20, e1; \
	VBROADCASTSS o2(SI), Z21; \
	VFMADD231PS Z16, Z21, d0; \
	VFMADD231PS Z17, Z21, d1; \
	VBROADCASTSS o0(SI), Z22; \
	VFMADD231PS Z18, Z22, d0; \
	VFMADD231PS Z19, Z22, d1

// CTPUT adds bias bo(R11) to output channel c's even (e0, e1) and odd
// (d0, d1) sums, interleaves them and stores the 64 pixels selected by
// K1-K4, then moves DX to the next channel.
#define CTPUT(bo, e0, e1, d0, d1) \
	VBROADCASTSS bo(R11), Z18; \
	VADDPS Z18, e0, e0; \
	VADDPS Z18, e1, e1; \
	VADDPS Z18, d0, d0; \
	VADDPS Z18, d1, d1; \
	VMOVAPS Z28, Z20; \
	VPERMI2PS d0, e0, Z20; \
	VMOVAPS Z29, Z21; \
	VPERMI2PS d0, e0, Z21; \
	VMOVAPS Z28, Z22; \
	VPERMI2PS d1, e1, Z22; \
	VMOVAPS Z29, Z23; \
	VPERMI2PS d1, e1, Z23; \
	VMOVUPS Z20, K1, (DX); \
	VMOVUPS Z21, K2, 64(DX); \
	VMOVUPS Z22, K3, 128(DX); \
	VMOVUPS Z23, K4, 192(DX); \
	ADDQ BX, DX

// func ConvT3x3s2x4x64(cin, taps int, a, b *float32, plane, wp int, c *float32, ldc int, bias *float32, mask uint64)
//
// A tile of the 3x3 stride-2 transposed convolution (padding 1, output
// padding 1), one output row by 4 output channels by 64 pixels, computed
// by output column parity: the 32 even pixels 2x take input column x
// (kernel column 1), the 32 odd ones 2x+1 take x (kernel column 2) and
// x+1 (kernel column 0). b points at input column x0 of the first of taps
// input rows (wp floats apart, channels plane floats apart, a zero column
// and row after the image); a holds, per input channel and row tap, the
// weights of kernel columns 1, 2 and 0 for the 4 channels. The even and
// odd sums plus bias[r] are interleaved and stored to c[r*ldc+j] for the j
// whose bit is set in mask. Each broadcast weight serves two zmm of
// pixels; 16 zmm accumulators.
TEXT ·ConvT3x3s2x4x64(SB), NOSPLIT, $0-80
	MOVQ cin+0(FP), CX
	MOVQ taps+8(FP), R13
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DI
	MOVQ plane+32(FP), R10
	SHLQ $2, R10
	MOVQ wp+40(FP), R8
	SHLQ $2, R8
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), BX
	SHLQ $2, BX
	MOVQ bias+64(FP), R11
	MOVQ mask+72(FP), AX
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
	JEQ ctstore

ctci:
	MOVQ DI, R12
	MOVQ R13, R14

cttap:
	VMOVUPS (R12), Z16
	VMOVUPS 64(R12), Z17
	VMOVUPS 4(R12), Z18
	VMOVUPS 68(R12), Z19
	CTCH(0, 16, 32, Z0, Z1, Z2, Z3)
	CTCH(4, 20, 36, Z4, Z5, Z6, Z7)
	CTCH(8, 24, 40, Z8, Z9, Z10, Z11)
	CTCH(12, 28, 44, Z12, Z13, Z14, Z15)
	ADDQ $48, SI
	ADDQ R8, R12
	DECQ R14
	JNE cttap
	ADDQ R10, DI
	DECQ CX
	JNE ctci

ctstore:
	KMOVW AX, K1
	SHRQ $16, AX
	KMOVW AX, K2
	SHRQ $16, AX
	KMOVW AX, K3
	SHRQ $16, AX
	KMOVW AX, K4
	VMOVUPS convtIdx<>+0(SB), Z28
	VMOVUPS convtIdx<>+64(SB), Z29
	CTPUT(0, Z0, Z1, Z2, Z3)
	CTPUT(4, Z4, Z5, Z6, Z7)
	CTPUT(8, Z8, Z9, Z10, Z11)
	CTPUT(12, Z12, Z13, Z14, Z15)
	VZEROUPPER
	RET

// poolIdx picks the even (first 64 bytes) and odd (last 64) lanes of two
// zmm (VPERMI2PS).

DATA poolIdx<>+0(SB)/4, $0
DATA poolIdx<>+4(SB)/4, $2
DATA poolIdx<>+8(SB)/4, $4
DATA poolIdx<>+12(SB)/4, $6
DATA poolIdx<>+16(SB)/4, $8
DATA poolIdx<>+20(SB)/4, $10
DATA poolIdx<>+24(SB)/4, $12
DATA poolIdx<>+28(SB)/4, $14
DATA poolIdx<>+32(SB)/4, $16
DATA poolIdx<>+36(SB)/4, $18
DATA poolIdx<>+40(SB)/4, $20
DATA poolIdx<>+44(SB)/4, $22
DATA poolIdx<>+48(SB)/4, $24
DATA poolIdx<>+52(SB)/4, $26
DATA poolIdx<>+56(SB)/4, $28
DATA poolIdx<>+60(SB)/4, $30
DATA poolIdx<>+64(SB)/4, $1
DATA poolIdx<>+68(SB)/4, $3
DATA poolIdx<>+72(SB)/4, $5
DATA poolIdx<>+76(SB)/4, $7
DATA poolIdx<>+80(SB)/4, $9
DATA poolIdx<>+84(SB)/4, $11
DATA poolIdx<>+88(SB)/4, $13
DATA poolIdx<>+92(SB)/4, $15
DATA poolIdx<>+96(SB)/4, $17
DATA poolIdx<>+100(SB)/4, $19
DATA poolIdx<>+104(SB)/4, $21
DATA poolIdx<>+108(SB)/4, $23
DATA poolIdx<>+112(SB)/4, $25
DATA poolIdx<>+116(SB)/4, $27
DATA poolIdx<>+120(SB)/4, $29
DATA poolIdx<>+124(SB)/4, $31
GLOBL poolIdx<>(SB), RODATA|NOPTR, $128

// func MaxPool2Row(r0, r1, dst *float32, n int)
//
// dst[j] = max(r0[2j], r0[2j+1], r1[2j], r1[2j+1]) for j < n: one output
// row of 2x2 max pooling, 16 outputs per step, the tail masked.
TEXT ·MaxPool2Row(SB), NOSPLIT, $0-32
	MOVQ r0+0(FP), SI
	MOVQ r1+8(FP), DI
	MOVQ dst+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVUPS poolIdx<>+0(SB), Z28
	VMOVUPS poolIdx<>+64(SB), Z29
	CMPQ CX, $16
	JLT pooltail

poolloop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMAXPS (DI), Z0, Z0
	VMAXPS 64(DI), Z1, Z1
	VMOVAPS Z28, Z2
	VPERMI2PS Z1, Z0, Z2
	VMOVAPS Z29, Z3
	VPERMI2PS Z1, Z0, Z3
	VMAXPS Z3, Z2, Z2
	VMOVUPS Z2, (DX)
	ADDQ $128, SI
	ADDQ $128, DI
	ADDQ $64, DX
	SUBQ $16, CX
	CMPQ CX, $16
	JGE poolloop

pooltail:
	TESTQ CX, CX
	JEQ pooldone
	// K1: the n outputs left; K2, K3: their 2n inputs.
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	MOVQ $1, AX
	SHLQ CX, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K2
	SHRQ $16, AX
	KMOVW AX, K3
	VMOVUPS.Z (SI), K2, Z0
	VMOVUPS.Z 64(SI), K3, Z1
	VMOVUPS.Z (DI), K2, Z4
	VMOVUPS.Z 64(DI), K3, Z5
	VMAXPS Z4, Z0, Z0
	VMAXPS Z5, Z1, Z1
	VMOVAPS Z28, Z2
	VPERMI2PS Z1, Z0, Z2
	VMOVAPS Z29, Z3
	VPERMI2PS Z1, Z0, Z3
	VMAXPS Z3, Z2, Z2
	VMOVUPS Z2, K1, (DX)

pooldone:
	VZEROUPPER
	RET

// C2LOAD loads 24 input pixels of one tap of Conv3x3x4x24 into Y12-Y14.
#define C2LOAD(b0, b1, b2) \
	VMOVUPS b0, Y12; \
	VMOVUPS b1, Y13; \
	VMOVUPS b2, Y14

// C2AND clears the lanes of Y12-Y14 whose masks at m0, m1, m2 are zero.
#define C2AND(m0, m1, m2) \
	VANDPS m0, Y12, Y12; \
	VANDPS m1, Y13, Y13; \
	VANDPS m2, Y14, Y14

// C2FMA adds Y12-Y14 times the weight at off(SI) to one output channel.
#define C2FMA(off, acc0, acc1, acc2) \
	VBROADCASTSS off(SI), Y15; \
	VFMADD231PS Y12, Y15, acc0; \
	VFMADD231PS Y13, Y15, acc1; \
	VFMADD231PS Y14, Y15, acc2

// C2TAP multiplies the loaded pixels by the tap's 4 weights at o0..o3(SI).
#define C2TAP(o0, o1, o2, o3) \
	C2FMA(o0, Y0, Y1, Y2); \
	C2FMA(o1, Y3, Y4, Y5); \
	C2FMA(o2, Y6, Y7, Y8); \
	C2FMA(o3, Y9, Y10, Y11)

// func Conv3x3x4x24(cin int, a, b *float32, plane, w int, c *float32, ldc int, bias *float32, relu bool, masks *uint32, full int)
//
// The AVX2+FMA counterpart of Conv3x3x8x32: 4 output channels by 24
// consecutive pixels (12 ymm accumulators), the same input layout and
// offsets. Without opmask registers the input is loaded whole (the caller
// keeps a readable float before and after the band) and the neighbours
// across the left and right borders are cleared by ANDing kernel columns
// 0 and 2 with masks[0:24] and masks[24:48]; masks[48:72] selects the
// pixels stored unless full != 0. a holds the packed weights
// a[(ci*9+kh*3+kw)*4+r].
TEXT ·Conv3x3x4x24(SB), NOSPLIT, $0-88
	MOVQ cin+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ plane+24(FP), R10
	SHLQ $2, R10
	MOVQ w+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*1), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), BX
	SHLQ $2, BX
	MOVQ bias+56(FP), R11
	MOVQ masks+72(FP), R12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JEQ c2store

c2loop:
	C2LOAD(-4(DI), 28(DI), 60(DI))
	C2AND(0(R12), 32(R12), 64(R12))
	C2TAP(0, 4, 8, 12)
	C2LOAD(0(DI), 32(DI), 64(DI))
	C2TAP(16, 20, 24, 28)
	C2LOAD(4(DI), 36(DI), 68(DI))
	C2AND(96(R12), 128(R12), 160(R12))
	C2TAP(32, 36, 40, 44)
	C2LOAD(-4(DI)(R8*1), 28(DI)(R8*1), 60(DI)(R8*1))
	C2AND(0(R12), 32(R12), 64(R12))
	C2TAP(48, 52, 56, 60)
	C2LOAD(0(DI)(R8*1), 32(DI)(R8*1), 64(DI)(R8*1))
	C2TAP(64, 68, 72, 76)
	C2LOAD(4(DI)(R8*1), 36(DI)(R8*1), 68(DI)(R8*1))
	C2AND(96(R12), 128(R12), 160(R12))
	C2TAP(80, 84, 88, 92)
	C2LOAD(-4(DI)(R9*1), 28(DI)(R9*1), 60(DI)(R9*1))
	C2AND(0(R12), 32(R12), 64(R12))
	C2TAP(96, 100, 104, 108)
	C2LOAD(0(DI)(R9*1), 32(DI)(R9*1), 64(DI)(R9*1))
	C2TAP(112, 116, 120, 124)
	C2LOAD(4(DI)(R9*1), 36(DI)(R9*1), 68(DI)(R9*1))
	C2AND(96(R12), 128(R12), 160(R12))
	C2TAP(128, 132, 136, 140)
	ADDQ $144, SI
	ADDQ R10, DI
	DECQ CX
	JNE c2loop

c2store:
	VBROADCASTSS 0(R11), Y15
	VADDPS Y15, Y0, Y0
	VADDPS Y15, Y1, Y1
	VADDPS Y15, Y2, Y2
	VBROADCASTSS 4(R11), Y15
	VADDPS Y15, Y3, Y3
	VADDPS Y15, Y4, Y4
	VADDPS Y15, Y5, Y5
	VBROADCASTSS 8(R11), Y15
	VADDPS Y15, Y6, Y6
	VADDPS Y15, Y7, Y7
	VADDPS Y15, Y8, Y8
	VBROADCASTSS 12(R11), Y15
	VADDPS Y15, Y9, Y9
	VADDPS Y15, Y10, Y10
	VADDPS Y15, Y11, Y11
	MOVBQZX relu+64(FP), AX
	TESTQ AX, AX
	JEQ c2put
	// max(v, 0) with the accumulator second, so NaN stays NaN as in Go.
	VXORPS Y15, Y15, Y15
	VMAXPS Y0, Y15, Y0
	VMAXPS Y1, Y15, Y1
	VMAXPS Y2, Y15, Y2
	VMAXPS Y3, Y15, Y3
	VMAXPS Y4, Y15, Y4
	VMAXPS Y5, Y15, Y5
	VMAXPS Y6, Y15, Y6
	VMAXPS Y7, Y15, Y7
	VMAXPS Y8, Y15, Y8
	VMAXPS Y9, Y15, Y9
	VMAXPS Y10, Y15, Y10
	VMAXPS Y11, Y15, Y11

c2put:
	MOVQ full+80(FP), AX
	TESTQ AX, AX
	JEQ c2masked
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	ADDQ BX, DX
	VMOVUPS Y3, 0(DX)
	VMOVUPS Y4, 32(DX)
	VMOVUPS Y5, 64(DX)
	ADDQ BX, DX
	VMOVUPS Y6, 0(DX)
	VMOVUPS Y7, 32(DX)
	VMOVUPS Y8, 64(DX)
	ADDQ BX, DX
	VMOVUPS Y9, 0(DX)
	VMOVUPS Y10, 32(DX)
	VMOVUPS Y11, 64(DX)
	VZEROUPPER
	RET

c2masked:
	VMOVUPS 192(R12), Y12
	VMOVUPS 224(R12), Y13
	VMOVUPS 256(R12), Y14
	VMASKMOVPS Y0, Y12, 0(DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VMASKMOVPS Y2, Y14, 64(DX)
	ADDQ BX, DX
	VMASKMOVPS Y3, Y12, 0(DX)
	VMASKMOVPS Y4, Y13, 32(DX)
	VMASKMOVPS Y5, Y14, 64(DX)
	ADDQ BX, DX
	VMASKMOVPS Y6, Y12, 0(DX)
	VMASKMOVPS Y7, Y13, 32(DX)
	VMASKMOVPS Y8, Y14, 64(DX)
	ADDQ BX, DX
	VMASKMOVPS Y9, Y12, 0(DX)
	VMASKMOVPS Y10, Y13, 32(DX)
	VMASKMOVPS Y11, Y14, 64(DX)
	VZEROUPPER
	RET
