// Package jpegenc writes baseline JPEGs of 8-bit gray images, either as
// one component or as three-component YCbCr 4:2:0 with neutral chroma
// (CXLSeg's "segmented" format). The bytes are those Go's image/jpeg
// writes for the same image (*image.Gray, or an *image.YCbCr with
// Cb = Cr = 128), which the tests check; unlike image/jpeg, an Encoder
// keeps its tables and output buffer, so encoding allocates nothing.
package jpegenc

import (
	"errors"
	"image"
	"io"
)

// Encoder encodes gray images at a fixed quality. Not safe for concurrent
// use.
type Encoder struct {
	quant   [nQuantIndex][blockSize]byte // zig-zag order, as written
	divisor [nQuantIndex][blockSize]int32
	recip   [nQuantIndex][blockSize]uint64 // ceil(2^40 / divisor)
	lut     [nHuffIndex][256]uint32        // size<<24 | code, by value
	out     []byte
	bits    uint32
	nBits   uint32
	blk     block
}

// New returns an Encoder for quality q (1..100, clamped; IJG scaling).
func New(q int) *Encoder {
	e := &Encoder{out: make([]byte, 0, 64<<10)}
	q = min(max(q, 1), 100)
	scale := 200 - 2*q
	if q < 50 {
		scale = 5000 / q
	}
	for i := range e.quant {
		for j := range e.quant[i] {
			x := (int(unscaledQuant[i][j])*scale + 50) / 100
			e.quant[i][j] = uint8(min(max(x, 1), 255))
			e.divisor[i][j] = 8 * int32(e.quant[i][j])
			e.recip[i][j] = (1<<40 + uint64(e.divisor[i][j]) - 1) / uint64(e.divisor[i][j])
		}
	}
	for i, s := range theHuffmanSpec {
		code, k := uint32(0), 0
		for n := range s.count {
			for range s.count[n] {
				e.lut[i][s.value[k]] = uint32(n+1)<<24 | code
				code++
				k++
			}
			code <<= 1
		}
	}
	return e
}

// Gray writes m as a one-component JPEG.
func (e *Encoder) Gray(w io.Writer, m *image.Gray) error {
	return e.encode(w, m, 1)
}

// GrayYCbCr writes m as a three-component YCbCr 4:2:0 JPEG whose luma is
// m and whose chroma is neutral (128), so R = G = B = m after decoding.
func (e *Encoder) GrayYCbCr(w io.Writer, m *image.Gray) error {
	return e.encode(w, m, 3)
}

// Bytes returns the bytes of the last encoded image, valid until the next
// call.
func (e *Encoder) Bytes() []byte { return e.out }

func (e *Encoder) encode(w io.Writer, m *image.Gray, ncomp int) error {
	size := m.Rect.Size()
	if size.X >= 1<<16 || size.Y >= 1<<16 {
		return errors.New("jpeg: image is too large to encode")
	}
	if size.X <= 0 || size.Y <= 0 {
		return errors.New("jpeg: empty image")
	}
	e.out = append(e.out[:0], 0xff, 0xd8) // SOI
	e.writeDQT()
	e.writeSOF0(size, ncomp)
	e.writeDHT(ncomp)
	e.bits, e.nBits = 0, 0
	if ncomp == 1 {
		e.out = append(e.out, sosHeaderY...)
		e.scanGray(m)
	} else {
		e.out = append(e.out, sosHeaderYCbCr...)
		e.scan420(m)
	}
	e.emit(0x7f, 7)                   // pad the last byte with 1s
	e.out = append(e.out, 0xff, 0xd9) // EOI
	_, err := w.Write(e.out)
	return err
}

func (e *Encoder) marker(m byte, n int) {
	e.out = append(e.out, 0xff, m, byte(n>>8), byte(n))
}

func (e *Encoder) writeDQT() {
	e.marker(0xdb, 2+int(nQuantIndex)*(1+blockSize))
	for i := range e.quant {
		e.out = append(e.out, byte(i))
		e.out = append(e.out, e.quant[i][:]...)
	}
}

func (e *Encoder) writeSOF0(size image.Point, ncomp int) {
	e.marker(0xc0, 8+3*ncomp)
	e.out = append(e.out, 8, byte(size.Y>>8), byte(size.Y), byte(size.X>>8), byte(size.X), byte(ncomp))
	if ncomp == 1 {
		e.out = append(e.out, 1, 0x11, 0)
		return
	}
	e.out = append(e.out, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
}

func (e *Encoder) writeDHT(ncomp int) {
	specs := theHuffmanSpec[:]
	if ncomp == 1 {
		specs = specs[:2]
	}
	n := 2
	for _, s := range specs {
		n += 1 + 16 + len(s.value)
	}
	e.marker(0xc4, n)
	for i, s := range specs {
		e.out = append(e.out, "\x00\x10\x01\x11"[i])
		e.out = append(e.out, s.count[:]...)
		e.out = append(e.out, s.value...)
	}
}

// SOS headers as image/jpeg writes them (one component, or Y with tables
// 0 and Cb, Cr with tables 1; spectral selection 0..63).
var (
	sosHeaderY     = []byte{0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00}
	sosHeaderYCbCr = []byte{0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00}
)

// loadBlock copies the 8x8 block of m at (x, y) into e.blk, repeating the
// last row and column past the edges (as image/jpeg does).
func (e *Encoder) loadBlock(m *image.Gray, x, y int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for j := 0; j < 8; j++ {
		row := m.Pix[min(y+j, h-1)*m.Stride:][:w]
		dst := e.blk[8*j : 8*j+8]
		if x+8 <= w {
			for i, v := range row[x : x+8] {
				dst[i] = int32(v)
			}
			continue
		}
		for i := range dst {
			dst[i] = int32(row[min(x+i, w-1)])
		}
	}
}

func (e *Encoder) scanGray(m *image.Gray) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	var prev int32
	for y := 0; y < h; y += 8 {
		for x := 0; x < w; x += 8 {
			e.loadBlock(m, x, y)
			prev = e.writeBlock(0, prev)
		}
	}
}

func (e *Encoder) scan420(m *image.Gray) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	var prev int32
	for y := 0; y < h; y += 16 {
		for x := 0; x < w; x += 16 {
			for i := 0; i < 4; i++ {
				e.loadBlock(m, x+(i&1)*8, y+(i&2)*4)
				prev = e.writeBlock(0, prev)
			}
			// Neutral chroma: an all-128 block transforms to zeros, so
			// each chroma block is a zero DC difference and an EOB.
			for range 2 {
				e.emitHuff(huffIndexChrominanceDC, 0)
				e.emitHuff(huffIndexChrominanceAC, 0)
			}
		}
	}
}

// writeBlock transforms, quantises and entropy-codes e.blk with table q,
// returning its quantised DC (image/jpeg's writeBlock).
func (e *Encoder) writeBlock(q quantIndex, prevDC int32) int32 {
	b := &e.blk
	fdct(b)
	div, rec := &e.divisor[q], &e.recip[q]
	dc := divRound(b[0], div[0], rec[0])
	e.emitHuffRLE(huffIndex(2*q), 0, dc-prevDC)
	h, run := huffIndex(2*q+1), int32(0)
	for zig := 1; zig < blockSize; zig++ {
		ac := divRound(b[unzig[zig]], div[zig], rec[zig])
		if ac == 0 {
			run++
			continue
		}
		for run > 15 {
			e.emitHuff(h, 0xf0)
			run -= 16
		}
		e.emitHuffRLE(h, run, ac)
		run = 0
	}
	if run > 0 {
		e.emitHuff(h, 0x00)
	}
	return dc
}

// divRound is image/jpeg's div, a/b rounded half away from zero, with the
// division done as a multiplication by r = ceil(2^40/b). That is exact
// for numerators below 2^40/b >= 2^29; the forward DCT's outputs are below
// 2^16.
func divRound(a, b int32, r uint64) int32 {
	if a >= 0 {
		return int32(uint64(a+b>>1) * r >> 40)
	}
	return -int32(uint64(-a+b>>1) * r >> 40)
}

// emit appends the low nBits of bits to the bit stream, stuffing a zero
// after every 0xFF byte.
func (e *Encoder) emit(bits, nBits uint32) {
	nBits += e.nBits
	bits <<= 32 - nBits
	bits |= e.bits
	for nBits >= 8 {
		b := uint8(bits >> 24)
		e.out = append(e.out, b)
		if b == 0xff {
			e.out = append(e.out, 0x00)
		}
		bits <<= 8
		nBits -= 8
	}
	e.bits, e.nBits = bits, nBits
}

func (e *Encoder) emitHuff(h huffIndex, v int32) {
	x := e.lut[h][v]
	e.emit(x&(1<<24-1), x>>24)
}

func (e *Encoder) emitHuffRLE(h huffIndex, run, v int32) {
	a, b := v, v
	if a < 0 {
		a, b = -v, v-1
	}
	var n uint32
	if a < 0x100 {
		n = uint32(bitCount[a])
	} else {
		n = 8 + uint32(bitCount[a>>8])
	}
	e.emitHuff(h, run<<4|int32(n))
	if n > 0 {
		e.emit(uint32(b)&(1<<n-1), n)
	}
}
