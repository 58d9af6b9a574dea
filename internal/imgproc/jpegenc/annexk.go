package jpegenc

// The example tables of the JPEG standard (ITU-T T.81, Annex K), which
// libjpeg-style encoders use and which CXLSeg's files are expected to
// carry. Everything that follows from a rule (the zig-zag order, the DC
// symbol lists, the long-code tail of the AC lists, the codes themselves)
// is generated rather than written out.

// Table indices: luminance and chrominance.
const (
	luma   = 0
	chroma = 1
)

// annexKQuant holds Tables K.1 (luminance) and K.2 (chrominance), the
// quantisation tables for quality 50, in natural (row-major) order.
var annexKQuant = [2][64]uint8{
	luma: {
		16, 11, 10, 16, 24, 40, 51, 61,
		12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56,
		14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77,
		24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101,
		72, 92, 95, 98, 112, 100, 103, 99,
	},
	chroma: {
		17, 18, 24, 47, 99, 99, 99, 99,
		18, 21, 26, 66, 99, 99, 99, 99,
		24, 26, 56, 99, 99, 99, 99, 99,
		47, 66, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// scaledQuant returns table t for quality q by IJG's rule: the Annex K
// values times a percentage, 5000/q below 50 and 200-2q from 50 up,
// rounded and clamped to 1..255 (baseline's 8-bit entries).
func scaledQuant(t, q int) (out [64]uint8) {
	q = min(max(q, 1), 100)
	pct := 200 - 2*q
	if q < 50 {
		pct = 5000 / q
	}
	for i, v := range annexKQuant[t] {
		out[i] = uint8(min(max((int(v)*pct+50)/100, 1), 255))
	}
	return out
}

// zigzagOrder returns, for each position in the zig-zag scan, the natural
// index (8*row + column) of the coefficient there. The scan walks the
// anti-diagonals row+column = d from the top-left corner, moving down-left
// on odd d and up-right on even d.
func zigzagOrder() (zz [64]uint8) {
	k := 0
	for d := 0; d < 15; d++ {
		lo, hi := max(0, d-7), min(d, 7)
		for i := lo; i <= hi; i++ {
			row := i
			if d%2 == 0 {
				row = lo + hi - i
			}
			zz[k] = uint8(8*row + d - row)
			k++
		}
	}
	return zz
}

// huffSpec is a Huffman table as a DHT segment carries it: how many codes
// have each length 1..16, and the symbols in order of increasing code.
type huffSpec struct {
	counts  [16]uint8
	symbols []uint8
}

// annexKHuffman returns Tables K.3 to K.6 in the order luminance DC,
// luminance AC, chrominance DC, chrominance AC (see huffLumaDC...).
//
// The DC tables code the categories 0..11 in increasing order. In the AC
// tables every symbol with a code shorter than 16 bits is listed; all the
// other valid AC symbols (EOB 0x00, ZRL 0xF0 and run<<4 | size for
// run 0..15, size 1..10) get the 16-bit codes in increasing order.
func annexKHuffman() [4]huffSpec {
	return [4]huffSpec{
		huffLumaDC: {
			counts:  [16]uint8{0, 1, 5, 1, 1, 1, 1, 1, 1},
			symbols: dcSymbols(),
		},
		huffLumaAC: {
			counts: [16]uint8{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125},
			symbols: withLongACCodes([]uint8{
				0x01, 0x02,
				0x03,
				0x00, 0x04, 0x11,
				0x05, 0x12, 0x21,
				0x31, 0x41,
				0x06, 0x13, 0x51, 0x61,
				0x07, 0x22, 0x71,
				0x14, 0x32, 0x81, 0x91, 0xa1,
				0x08, 0x23, 0x42, 0xb1, 0xc1,
				0x15, 0x52, 0xd1, 0xf0,
				0x24, 0x33, 0x62, 0x72,
				0x82,
			}),
		},
		huffChromaDC: {
			counts:  [16]uint8{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			symbols: dcSymbols(),
		},
		huffChromaAC: {
			counts: [16]uint8{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119},
			symbols: withLongACCodes([]uint8{
				0x00, 0x01,
				0x02,
				0x03, 0x11,
				0x04, 0x05, 0x21, 0x31,
				0x06, 0x12, 0x41, 0x51,
				0x07, 0x61, 0x71,
				0x13, 0x22, 0x32, 0x81,
				0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1,
				0x09, 0x23, 0x33, 0x52, 0xf0,
				0x15, 0x62, 0x72, 0xd1,
				0x0a, 0x16, 0x24, 0x34,
				0xe1,
				0x25, 0xf1,
			}),
		},
	}
}

// Indices of the Huffman tables in an Encoder and in annexKHuffman.
const (
	huffLumaDC = iota
	huffLumaAC
	huffChromaDC
	huffChromaAC
)

// dhtClassID holds each table's Tc<<4 | Th byte in the DHT segment:
// class 0 (DC) or 1 (AC), destination 0 (luminance) or 1 (chrominance).
const dhtClassID = "\x00\x10\x01\x11"

// dcSymbols returns the DC categories 0..11.
func dcSymbols() []uint8 {
	s := make([]uint8, 12)
	for i := range s {
		s[i] = uint8(i)
	}
	return s
}

// withLongACCodes appends to short (the symbols with codes shorter than 16
// bits) every other valid AC symbol in increasing order.
func withLongACCodes(short []uint8) []uint8 {
	var listed [256]bool
	for _, s := range short {
		listed[s] = true
	}
	out := short
	for s := 0; s < 256; s++ {
		size := s & 15
		valid := s == 0x00 || s == 0xf0 || (size >= 1 && size <= 10)
		if valid && !listed[s] {
			out = append(out, uint8(s))
		}
	}
	return out
}
