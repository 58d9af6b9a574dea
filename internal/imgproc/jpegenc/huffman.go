package jpegenc

import "math/bits"

// huffCodes maps a symbol to its code: length<<16 | code bits (the length
// is 0 for symbols the table does not code).
type huffCodes [256]uint32

// makeCodes assigns the canonical codes of T.81 Annex C: codes of each
// length are consecutive, and moving to the next length appends a 0 bit.
func makeCodes(s huffSpec) (c huffCodes) {
	code, k := uint32(0), 0
	for n, count := range s.counts {
		for range count {
			c[s.symbols[k]] = uint32(n+1)<<16 | code
			code++
			k++
		}
		code <<= 1
	}
	return c
}

// magnitude returns the JPEG size category of v (the bit length of |v|)
// and the bits that follow the Huffman code: v itself when positive, its
// ones' complement (v-1) when negative, in size bits.
func magnitude(v int32) (size uint32, extra uint32) {
	a := v
	if v < 0 {
		a, v = -v, v-1
	}
	size = uint32(bits.Len32(uint32(a)))
	return size, uint32(v) & (1<<size - 1)
}

// bitWriter appends entropy-coded bits to out, most significant first,
// with a 0x00 stuffed after every 0xFF byte so that no marker appears in
// the scan.
type bitWriter struct {
	out  []byte
	acc  uint64 // pending bits are the low n bits
	nacc uint
}

// put appends the low n bits of v; n <= 32. Bytes are written out once
// 32 bits are pending, so acc never holds more than 31+32 bits.
func (w *bitWriter) put(v uint32, n uint32) {
	w.acc = w.acc<<n | uint64(v)
	w.nacc += uint(n)
	if w.nacc >= 32 {
		w.drain()
	}
}

// drain writes out the whole bytes pending.
func (w *bitWriter) drain() {
	for w.nacc >= 8 {
		w.nacc -= 8
		b := byte(w.acc >> w.nacc)
		w.out = append(w.out, b)
		if b == 0xff {
			w.out = append(w.out, 0)
		}
	}
}

// finish pads the last byte with 1 bits (T.81 F.1.2.3) and writes it.
func (w *bitWriter) finish() {
	if pad := -w.nacc & 7; pad != 0 {
		w.acc = w.acc<<pad | (1<<pad - 1)
		w.nacc += pad
	}
	w.drain()
	w.acc, w.nacc = 0, 0
}

// putCoded appends table h's code for symbol sym followed by the size
// extra bits of a coefficient (Huffman codes are at most 16 bits and size
// at most 11, so one put takes both).
func (w *bitWriter) putCoded(h *huffCodes, sym, size, extra uint32) {
	c := h[sym&0xff]
	n := c >> 16
	w.put((c&0xffff)<<size|extra, n+size)
}
