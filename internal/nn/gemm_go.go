package nn

import (
	"fmt"
	"sync"
)

// Blocking of the pure-Go sgemm: a kc x nc panel of B (1 MiB) stays in L2,
// an mc x kc block of A (64 KiB) in L1/L2, and a 4x4 register tile of C
// accumulates over kc.
const (
	goMR = 4
	goNR = 4
	goKC = 256
	goMC = 64
	goNC = 1024
)

// goGemm is the pure-Go blocked sgemm: packs A and B into MR- and NR-wide
// strips and runs a 4x4 scalar micro-kernel over them. It is the fallback
// for builds without cgo or machines without OpenBLAS.
type goGemm struct {
	why  string
	pool sync.Pool
}

type goPack struct{ a, b []float32 }

// NewGoGemm returns the pure-Go sgemm.
func NewGoGemm() Gemm { return &goGemm{} }

// Name implements Gemm.
func (g *goGemm) Name() string { return "go (pure-Go blocked sgemm)" + g.why }

// Sgemm implements Gemm.
func (g *goGemm) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	pk, _ := g.pool.Get().(*goPack)
	if pk == nil {
		pk = &goPack{a: make([]float32, goMC*goKC), b: make([]float32, goKC*(goNC+goNR))}
	}
	defer g.pool.Put(pk)
	for jc := 0; jc < n; jc += goNC {
		nc := min(goNC, n-jc)
		for pc := 0; pc < k; pc += goKC {
			kc := min(goKC, k-pc)
			packB(pk.b, transB, b, ldb, pc, jc, kc, nc)
			for ic := 0; ic < m; ic += goMC {
				mc := min(goMC, m-ic)
				packA(pk.a, transA, a, lda, ic, pc, mc, kc)
				macroKernel(mc, nc, kc, alpha, pk.a, pk.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// packA copies op(A)[ic:ic+mc, pc:pc+kc] into strips of goMR rows,
// interleaved by k, zero-padding the last strip.
func packA(dst []float32, trans bool, a []float32, lda, ic, pc, mc, kc int) {
	for i0 := 0; i0 < mc; i0 += goMR {
		s := dst[(i0/goMR)*kc*goMR:]
		for ii := 0; ii < goMR; ii++ {
			i := ic + i0 + ii
			if i0+ii >= mc {
				for p := 0; p < kc; p++ {
					s[p*goMR+ii] = 0
				}
				continue
			}
			if trans {
				for p := 0; p < kc; p++ {
					s[p*goMR+ii] = a[(pc+p)*lda+i]
				}
			} else {
				row := a[i*lda+pc : i*lda+pc+kc]
				for p, v := range row {
					s[p*goMR+ii] = v
				}
			}
		}
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into strips of goNR columns,
// interleaved by k, zero-padding the last strip.
func packB(dst []float32, trans bool, b []float32, ldb, pc, jc, kc, nc int) {
	for j0 := 0; j0 < nc; j0 += goNR {
		s := dst[(j0/goNR)*kc*goNR:]
		w := min(goNR, nc-j0)
		if !trans && w == goNR {
			for p := 0; p < kc; p++ {
				src := b[(pc+p)*ldb+jc+j0 : (pc+p)*ldb+jc+j0+goNR]
				d := s[p*goNR : p*goNR+goNR]
				d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
			}
			continue
		}
		for p := 0; p < kc; p++ {
			for jj := 0; jj < goNR; jj++ {
				var v float32
				if jj < w {
					if trans {
						v = b[(jc+j0+jj)*ldb+pc+p]
					} else {
						v = b[(pc+p)*ldb+jc+j0+jj]
					}
				}
				s[p*goNR+jj] = v
			}
		}
	}
}

// macroKernel multiplies a packed mc x kc block by a packed kc x nc panel
// into C (already scaled by beta).
func macroKernel(mc, nc, kc int, alpha float32, ap, bp []float32, c []float32, ldc int) {
	for j0 := 0; j0 < nc; j0 += goNR {
		bs := bp[(j0/goNR)*kc*goNR : (j0/goNR+1)*kc*goNR]
		w := min(goNR, nc-j0)
		for i0 := 0; i0 < mc; i0 += goMR {
			as := ap[(i0/goMR)*kc*goMR : (i0/goMR+1)*kc*goMR]
			t := kernel4x4(as, bs)
			h := min(goMR, mc-i0)
			for ii := 0; ii < h; ii++ {
				row := c[(i0+ii)*ldc+j0 : (i0+ii)*ldc+j0+w]
				for jj := range row {
					row[jj] += alpha * t[ii*goNR+jj]
				}
			}
		}
	}
}

// kernel4x4 returns the 4x4 product of a packed A strip and a packed B strip.
func kernel4x4(a, b []float32) [16]float32 {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for len(a) >= 4 && len(b) >= 4 {
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		a, b = a[4:], b[4:]
	}
	return [16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
}

// scaleC multiplies the m x n matrix C by beta (overwriting with zeros when
// beta is 0, so NaNs in uninitialised C do not propagate).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// checkGemm panics with a clear message when a matrix slice is too short:
// a programming error in the engine, never caused by user input, and
// better than a silent out-of-bounds write in C.
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if lda < ac || len(a) < (ar-1)*lda+ac || ldb < bc || len(b) < (br-1)*ldb+bc || ldc < n || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("nn: sgemm shapes m=%d n=%d k=%d lda=%d ldb=%d ldc=%d do not fit slices %d %d %d",
			m, n, k, lda, ldb, ldc, len(a), len(b), len(c)))
	}
}
