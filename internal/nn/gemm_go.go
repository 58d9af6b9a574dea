package nn

import (
	"fmt"
	"sync"
)

// Blocking of the pure-Go sgemm: a kc x nc panel of B stays in L2, an
// mc x kc block of A in L1/L2, and an mr x nr register tile of C
// accumulates over kc.
const (
	goKC = 256
	goMC = 128
	goNC = 1024
)

// microKernel adds A*B to the mr x nr tile of C (rows ldc apart), for a
// packed A panel (a[p*mr+r]) and B rows of nr values ldb apart
// (b[p*ldb+j]), p < k: a packed strip has ldb = nr, and row-major B can be
// read in place.
type microKernel func(k int, a, b []float32, ldb int, c []float32, ldc int)

// goGemm is the pure-Go blocked sgemm (BLIS-style): packs A into mr-row
// panels and B into nr-column strips, and runs a micro-kernel over them:
// an AVX-512 (8x32) or AVX2+FMA (4x16) assembly kernel where the CPU has
// one, a scalar 4x4 Go kernel elsewhere. It needs no cgo and no library.
type goGemm struct {
	why    string
	mr, nr int
	kern   microKernel
	dot    dotKernel
	kname  string
	mu     sync.Mutex
	free   []*goPack // pack buffers, reused (a sync.Pool would drop them at GC)
}

// dotMinK is the shortest k for which dotNT beats packing: below it the
// per-block lane reduction costs more than the packs it saves.
const dotMinK = 512

// dotKernel writes the 16 lane-wise partial sums of the 4x4 dot products
// of rows of A and rows of B over 16*k16 elements to out[(4i+j)*16:].
type dotKernel func(k16 int, a []float32, lda int, b []float32, ldb int, out []float32)

type goPack struct{ a, b, t []float32 }

// NewGoGemm returns the pure-Go sgemm with the best assembly micro-kernel
// the CPU supports (AVX-512 8x32, else AVX2+FMA 4x16, else scalar Go).
func NewGoGemm() Gemm {
	g := newScalarGemm()
	if k, mr, nr, name := simdKernel(); k != nil {
		g.mr, g.nr, g.kern, g.kname = mr, nr, k, name
		g.dot = simdDot()
	}
	return g
}

// newScalarGemm returns the pure-Go sgemm with the portable scalar kernel.
func newScalarGemm() *goGemm { return &goGemm{mr: 4, nr: 4, kern: kernel4x4, kname: "scalar 4x4"} }

// Name implements Gemm.
func (g *goGemm) Name() string { return "go (blocked sgemm, " + g.kname + " kernel)" + g.why }

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
	pk := g.getPack()
	defer g.putPack(pk)
	if !transB {
		g.directB(transA, m, n, k, alpha, a, lda, b, ldb, c, ldc, pk)
		return
	}
	if !transA && g.dot != nil && k >= dotMinK {
		g.dotNT(m, n, k, alpha, a, lda, b, ldb, c, ldc, pk.t)
		return
	}
	for jc := 0; jc < n; jc += goNC {
		nc := min(goNC, n-jc)
		for pc := 0; pc < k; pc += goKC {
			kc := min(goKC, k-pc)
			g.packB(pk.b, transB, b, ldb, pc, jc, kc, nc)
			for ic := 0; ic < m; ic += goMC {
				mc := min(goMC, m-ic)
				g.packA(pk.a, transA, a, lda, ic, pc, mc, kc, alpha)
				g.macroKernel(mc, nc, kc, pk, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// getPack takes a pack buffer from the free list (one per concurrent
// caller, allocated on first use).
func (g *goGemm) getPack() *goPack {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n := len(g.free); n > 0 {
		pk := g.free[n-1]
		g.free = g.free[:n-1]
		return pk
	}
	return &goPack{a: make([]float32, goMC*goKC), b: make([]float32, goKC*(goNC+g.nr)), t: make([]float32, max(g.mr*g.nr, 256))}
}

func (g *goGemm) putPack(pk *goPack) {
	g.mu.Lock()
	g.free = append(g.free, pk)
	g.mu.Unlock()
}

// directB is Sgemm for row-major B: the kernel reads whole nr-wide strips
// of B in place (no packing, which costs as much as the arithmetic when M
// is small, as in the first levels of a U-Net); only the ragged last strip
// is packed.
func (g *goGemm) directB(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, pk *goPack) {
	mr, nr := g.mr, g.nr
	for pc := 0; pc < k; pc += goKC {
		kc := min(goKC, k-pc)
		for ic := 0; ic < m; ic += goMC {
			mc := min(goMC, m-ic)
			g.packA(pk.a, transA, a, lda, ic, pc, mc, kc, alpha)
			for jc := 0; jc < n; jc += goNC {
				nc := min(goNC, n-jc)
				full := nc / nr * nr
				for j0 := 0; j0 < full; j0 += nr {
					bs := b[pc*ldb+jc+j0:]
					for i0 := 0; i0 < mc; i0 += mr {
						as := pk.a[(i0/mr)*kc*mr : (i0/mr+1)*kc*mr]
						if h := min(mr, mc-i0); h == mr {
							g.kern(kc, as, bs, ldb, c[(ic+i0)*ldc+jc+j0:], ldc)
							continue
						}
						g.edgeTile(kc, as, bs, ldb, c[(ic+i0)*ldc+jc+j0:], ldc, mc-i0, nr, pk.t)
					}
				}
				if full < nc {
					g.packB(pk.b, false, b, ldb, pc, jc+full, kc, nc-full)
					for i0 := 0; i0 < mc; i0 += mr {
						as := pk.a[(i0/mr)*kc*mr : (i0/mr+1)*kc*mr]
						g.edgeTile(kc, as, pk.b, nr, c[(ic+i0)*ldc+jc+full:], ldc, min(mr, mc-i0), nc-full, pk.t)
					}
				}
			}
		}
	}
}

// dotNT is Sgemm for C = A*B^T with A (m x k) and B (n x k) row-major:
// both operands are contiguous along k, so 4x4 blocks of C are dot
// products read in place (no transposing pack), as in weight gradients,
// which contract over pixels.
func (g *goGemm) dotNT(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, out []float32) {
	k16 := k / 16
	for i0 := 0; i0 < m; i0 += 4 {
		h := min(4, m-i0)
		for j0 := 0; j0 < n; j0 += 4 {
			w := min(4, n-j0)
			if h < 4 || w < 4 {
				for i := i0; i < i0+h; i++ {
					for j := j0; j < j0+w; j++ {
						c[i*ldc+j] += alpha * dot32(a[i*lda:i*lda+k], b[j*ldb:j*ldb+k])
					}
				}
				continue
			}
			g.dot(k16, a[i0*lda:], lda, b[j0*ldb:], ldb, out)
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					var s float32
					for _, v := range out[(4*i+j)*16 : (4*i+j)*16+16] {
						s += v
					}
					if k16*16 < k {
						s += dot32(a[(i0+i)*lda+16*k16:(i0+i)*lda+k], b[(j0+j)*ldb+16*k16:(j0+j)*ldb+k])
					}
					c[(i0+i)*ldc+j0+j] += alpha * s
				}
			}
		}
	}
}

// dot32 returns the dot product of equal-length a and b.
func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	for len(a) >= 4 {
		s0 += a[0] * b[0]
		s1 += a[1] * b[1]
		s2 += a[2] * b[2]
		s3 += a[3] * b[3]
		a, b = a[4:], b[4:]
	}
	for i, v := range a {
		s0 += v * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// edgeTile runs the kernel into the scratch tile t and adds its h x w
// top-left corner to C.
func (g *goGemm) edgeTile(kc int, as, bs []float32, ldb int, c []float32, ldc, h, w int, t []float32) {
	nr := g.nr
	clear(t)
	g.kern(kc, as, bs, ldb, t, nr)
	for ii := 0; ii < h; ii++ {
		row := c[ii*ldc : ii*ldc+w]
		for jj := range row {
			row[jj] += t[ii*nr+jj]
		}
	}
}

// packA copies alpha*op(A)[ic:ic+mc, pc:pc+kc] into panels of mr rows,
// interleaved by k, zero-padding the last panel.
func (g *goGemm) packA(dst []float32, trans bool, a []float32, lda, ic, pc, mc, kc int, alpha float32) {
	mr := g.mr
	for i0 := 0; i0 < mc; i0 += mr {
		s := dst[(i0/mr)*kc*mr : (i0/mr+1)*kc*mr]
		h := min(mr, mc-i0)
		if trans {
			for p := 0; p < kc; p++ {
				src := a[(pc+p)*lda+ic+i0 : (pc+p)*lda+ic+i0+h]
				d := s[p*mr : p*mr+mr]
				for ii, v := range src {
					d[ii] = alpha * v
				}
				clear(d[h:])
			}
			continue
		}
		for ii := 0; ii < mr; ii++ {
			if ii >= h {
				for p := 0; p < kc; p++ {
					s[p*mr+ii] = 0
				}
				continue
			}
			row := a[(ic+i0+ii)*lda+pc : (ic+i0+ii)*lda+pc+kc]
			for p, v := range row {
				s[p*mr+ii] = alpha * v
			}
		}
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into strips of nr columns,
// interleaved by k, zero-padding the last strip.
func (g *goGemm) packB(dst []float32, trans bool, b []float32, ldb, pc, jc, kc, nc int) {
	nr := g.nr
	for j0 := 0; j0 < nc; j0 += nr {
		s := dst[(j0/nr)*kc*nr : (j0/nr+1)*kc*nr]
		w := min(nr, nc-j0)
		if !trans {
			for p := 0; p < kc; p++ {
				d := s[p*nr : p*nr+nr]
				copy(d, b[(pc+p)*ldb+jc+j0:(pc+p)*ldb+jc+j0+w])
				clear(d[w:])
			}
			continue
		}
		for jj := 0; jj < nr; jj++ {
			if jj >= w {
				for p := 0; p < kc; p++ {
					s[p*nr+jj] = 0
				}
				continue
			}
			row := b[(jc+j0+jj)*ldb+pc : (jc+j0+jj)*ldb+pc+kc]
			for p, v := range row {
				s[p*nr+jj] = v
			}
		}
	}
}

// macroKernel multiplies a packed mc x kc block by a packed kc x nc panel
// into C (already scaled by beta). Edge tiles go through a scratch tile.
func (g *goGemm) macroKernel(mc, nc, kc int, pk *goPack, c []float32, ldc int) {
	mr, nr := g.mr, g.nr
	for j0 := 0; j0 < nc; j0 += nr {
		bs := pk.b[(j0/nr)*kc*nr : (j0/nr+1)*kc*nr]
		w := min(nr, nc-j0)
		for i0 := 0; i0 < mc; i0 += mr {
			as := pk.a[(i0/mr)*kc*mr : (i0/mr+1)*kc*mr]
			h := min(mr, mc-i0)
			if h == mr && w == nr {
				g.kern(kc, as, bs, nr, c[i0*ldc+j0:], ldc)
				continue
			}
			t := pk.t
			clear(t)
			g.kern(kc, as, bs, nr, t, nr)
			for ii := 0; ii < h; ii++ {
				row := c[(i0+ii)*ldc+j0 : (i0+ii)*ldc+j0+w]
				for jj := range row {
					row[jj] += t[ii*nr+jj]
				}
			}
		}
	}
}

// kernel4x4 is the portable scalar micro-kernel (mr = nr = 4).
func kernel4x4(k int, a, b []float32, ldb int, c []float32, ldc int) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	a = a[:4*k]
	for p := 0; p < k && len(a) >= 4; p++ {
		bp := b[p*ldb : p*ldb+4]
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
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
		a = a[4:]
	}
	r := c[0:4]
	r[0], r[1], r[2], r[3] = r[0]+c00, r[1]+c01, r[2]+c02, r[3]+c03
	r = c[ldc : ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+c10, r[1]+c11, r[2]+c12, r[3]+c13
	r = c[2*ldc : 2*ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+c20, r[1]+c21, r[2]+c22, r[3]+c23
	r = c[3*ldc : 3*ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+c30, r[1]+c31, r[2]+c32, r[3]+c33
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
