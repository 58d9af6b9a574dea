// Package jpegenc writes baseline JPEGs of 8-bit gray images, either as
// one component or as three-component YCbCr 4:2:0 with neutral chroma
// (CXLSeg's "segmented" format). It uses the example tables of the JPEG
// standard (Annex K) with IJG quality scaling, as libjpeg and Go's
// image/jpeg do, and a floating-point forward DCT computed from the
// standard's definition; decoded pixels agree with those of image/jpeg's
// files at the same quality to within rounding (see the tests). Unlike
// image/jpeg, an Encoder keeps its tables and output buffer, so encoding
// allocates nothing in steady state.
package jpegenc

import (
	"encoding/binary"
	"errors"
	"image"
	"io"
)

// Encoder encodes gray images at a fixed quality. Not safe for concurrent
// use.
type Encoder struct {
	quant  [2][64]uint8   // luma, chroma; zig-zag order, as DQT holds them
	recipQ [2][64]float32 // 1/quant, zig-zag order
	zigzag [64]uint8      // natural index of each zig-zag position
	basis  dctBasis
	specs  [4]huffSpec
	codes  [4]huffCodes
	// neutralChroma is the code of one all-128 chroma block: DC
	// difference 0 (chroma DC is always 0) and end-of-block.
	neutralChroma, neutralChromaLen uint32

	bw       bitWriter
	pix, tmp block
	coef     [64]int32 // quantised, zig-zag order
}

// New returns an Encoder for quality q (1..100, clamped; IJG scaling of
// the Annex K tables).
func New(q int) *Encoder {
	e := &Encoder{
		zigzag: zigzagOrder(),
		basis:  newDCTBasis(),
		specs:  annexKHuffman(),
		bw:     bitWriter{out: make([]byte, 0, 64<<10)},
	}
	for t := range e.quant {
		natural := scaledQuant(t, q)
		for k, z := range e.zigzag {
			e.quant[t][k] = natural[z]
			e.recipQ[t][k] = 1 / float32(natural[z])
		}
	}
	for i, s := range e.specs {
		e.codes[i] = makeCodes(s)
	}
	dc, ac := e.codes[huffChromaDC][0], e.codes[huffChromaAC][0x00]
	e.neutralChroma = (dc&0xffff)<<(ac>>16) | ac&0xffff
	e.neutralChromaLen = dc>>16 + ac>>16
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
func (e *Encoder) Bytes() []byte { return e.bw.out }

func (e *Encoder) encode(w io.Writer, m *image.Gray, ncomp int) error {
	size := m.Rect.Size()
	if size.X <= 0 || size.Y <= 0 {
		return errors.New("jpeg: empty image")
	}
	if size.X > 0xffff || size.Y > 0xffff {
		return errors.New("jpeg: image is too large to encode (over 65535 pixels a side)")
	}
	if m.Stride < size.X || len(m.Pix) < (size.Y-1)*m.Stride+size.X {
		return errors.New("jpeg: image stride or pixels too short for its bounds")
	}
	e.bw.out = append(e.bw.out[:0], 0xff, 0xd8) // SOI
	e.writeHeaders(size, ncomp)
	if ncomp == 1 {
		e.scanGray(m)
	} else {
		e.scan420(m)
	}
	e.bw.finish()
	e.bw.out = append(e.bw.out, 0xff, 0xd9) // EOI
	_, err := w.Write(e.bw.out)
	return err
}

// segment starts marker m with a payload of n bytes.
func (e *Encoder) segment(m byte, n int) {
	n += 2 // the length counts itself
	e.bw.out = append(e.bw.out, 0xff, m, byte(n>>8), byte(n))
}

// writeHeaders writes DQT, SOF0, DHT and SOS: one table set for gray, and
// for 4:2:0 luma tables 0 and chroma tables 1.
func (e *Encoder) writeHeaders(size image.Point, ncomp int) {
	ntab := 1
	if ncomp == 3 {
		ntab = 2
	}
	e.segment(0xdb, ntab*65) // DQT: 8-bit precision, destination t
	for t := range ntab {
		e.bw.out = append(e.bw.out, byte(t))
		e.bw.out = append(e.bw.out, e.quant[t][:]...)
	}

	e.segment(0xc0, 6+3*ncomp) // SOF0: baseline, 8 bits per sample
	e.bw.out = append(e.bw.out, 8,
		byte(size.Y>>8), byte(size.Y), byte(size.X>>8), byte(size.X), byte(ncomp))
	if ncomp == 1 {
		e.bw.out = append(e.bw.out, 1, 0x11, 0)
	} else {
		e.bw.out = append(e.bw.out, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	}

	n := 0
	for i := range 2 * ntab {
		n += 17 + len(e.specs[i].symbols)
	}
	e.segment(0xc4, n) // DHT
	for i := range 2 * ntab {
		e.bw.out = append(e.bw.out, dhtClassID[i])
		e.bw.out = append(e.bw.out, e.specs[i].counts[:]...)
		e.bw.out = append(e.bw.out, e.specs[i].symbols...)
	}

	e.segment(0xda, 4+2*ncomp) // SOS: component, DC<<4|AC table
	e.bw.out = append(e.bw.out, byte(ncomp))
	if ncomp == 1 {
		e.bw.out = append(e.bw.out, 1, 0x00)
	} else {
		e.bw.out = append(e.bw.out, 1, 0x00, 2, 0x11, 3, 0x11)
	}
	e.bw.out = append(e.bw.out, 0, 63, 0) // spectral selection 0..63, no approximation
}

// scanGray codes the 8x8 blocks of m left to right, top to bottom.
func (e *Encoder) scanGray(m *image.Gray) {
	size := m.Rect.Size()
	var dc int32
	for y := 0; y < size.Y; y += 8 {
		for x := 0; x < size.X; x += 8 {
			dc = e.lumaBlock(m, x, y, dc)
		}
	}
}

// scan420 codes 16x16 MCUs: four luma blocks, then one Cb and one Cr
// block, both neutral.
func (e *Encoder) scan420(m *image.Gray) {
	size := m.Rect.Size()
	var dc int32
	for y := 0; y < size.Y; y += 16 {
		for x := 0; x < size.X; x += 16 {
			dc = e.lumaBlock(m, x, y, dc)
			dc = e.lumaBlock(m, x+8, y, dc)
			dc = e.lumaBlock(m, x, y+8, dc)
			dc = e.lumaBlock(m, x+8, y+8, dc)
			e.bw.put(e.neutralChroma, e.neutralChromaLen)
			e.bw.put(e.neutralChroma, e.neutralChromaLen)
		}
	}
}

// lumaBlock transforms, quantises and codes the 8x8 block of m whose
// top-left pixel is (x, y) (relative to m.Rect.Min), given the previous
// block's quantised DC, and returns its own.
func (e *Encoder) lumaBlock(m *image.Gray, x, y int, prevDC int32) int32 {
	rq := &e.recipQ[luma]
	if v, uniform := e.load(m, x, y); uniform {
		// Masks and the background of segmented images are mostly blocks
		// of one value, whose transform is F(0,0) = 8·v alone (exactly,
		// where the DCT below would round): skip the DCT and the zero run.
		dc := roundHalfAway(float32(8*int32(v)-1024) * rq[0])
		size, extra := magnitude(dc - prevDC)
		e.bw.putCoded(&e.codes[huffLumaDC], size, size, extra)
		e.bw.putCoded(&e.codes[huffLumaAC], 0x00, 0, 0)
		return dc
	}
	e.basis.pass(&e.tmp, &e.pix)
	e.basis.pass(&e.pix, &e.tmp)
	// The level shift (subtract 128 from every sample) only moves F(0,0),
	// by 128 · 8.
	e.pix[0][0] -= 1024
	for k, z := range e.zigzag {
		e.coef[k] = roundHalfAway(e.pix[z>>3&7][z&7] * rq[k])
	}
	e.codeBlock(&e.codes[huffLumaDC], &e.codes[huffLumaAC], prevDC)
	return e.coef[0]
}

// load copies the 8x8 block at (x, y) into e.pix, repeating the last row
// and column for the part past the image's edges (which decoders crop).
// It reports whether the block's samples are all one value v; e.pix is
// then left unset.
func (e *Encoder) load(m *image.Gray, x, y int) (v uint8, uniform bool) {
	size := m.Rect.Size()
	if x+8 > size.X || y+8 > size.Y {
		return e.loadEdge(m, x, y)
	}
	// Inside the image: compare whole rows, 8 bytes at a time, before
	// converting anything.
	v = m.Pix[y*m.Stride+x]
	all := uint64(v) * 0x0101010101010101
	var differ uint64
	for r := range 8 {
		differ |= binary.LittleEndian.Uint64(m.Pix[(y+r)*m.Stride+x:]) ^ all
	}
	if differ == 0 {
		return v, true
	}
	for r := range 8 {
		src, p := (*[8]uint8)(m.Pix[(y+r)*m.Stride+x:]), &e.pix[r]
		for c := range 8 {
			p[c] = float32(src[c])
		}
	}
	return v, false
}

// loadEdge is load for a block that reaches past the right or bottom edge
// (in 4:2:0, possibly lying wholly past it).
func (e *Encoder) loadEdge(m *image.Gray, x, y int) (v uint8, uniform bool) {
	size := m.Rect.Size()
	v = m.Pix[min(y, size.Y-1)*m.Stride+min(x, size.X-1)]
	var differ uint8 // OR of every sample XOR v
	for r := range 8 {
		row := m.Pix[min(y+r, size.Y-1)*m.Stride:][:size.X]
		p := &e.pix[r]
		for c := range 8 {
			s := row[min(x+c, size.X-1)]
			p[c] = float32(s)
			differ |= s ^ v
		}
	}
	return v, differ == 0
}

// codeBlock entropy-codes e.coef: the DC difference, then each nonzero AC
// coefficient with the run of zeros before it (runs over 15 as ZRL
// symbols), and end-of-block when the block ends in zeros.
func (e *Encoder) codeBlock(dcCodes, acCodes *huffCodes, prevDC int32) {
	size, extra := magnitude(e.coef[0] - prevDC)
	e.bw.putCoded(dcCodes, size, size, extra)
	run := uint32(0)
	for _, v := range e.coef[1:] {
		if v == 0 {
			run++
			continue
		}
		for ; run >= 16; run -= 16 {
			e.bw.putCoded(acCodes, 0xf0, 0, 0)
		}
		size, extra := magnitude(v)
		e.bw.putCoded(acCodes, run<<4|size, size, extra)
		run = 0
	}
	if run > 0 {
		e.bw.putCoded(acCodes, 0x00, 0, 0)
	}
}
