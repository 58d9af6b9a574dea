package jpegenc

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestZigzagOrder(t *testing.T) {
	zz := zigzagOrder()
	// T.81 Figure A.6, first rows: 0 1 5 6 14 15 27 28 / 2 4 7 13 16 26 29 42.
	want := []uint8{0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5}
	if !slices.Equal(zz[:len(want)], want) {
		t.Errorf("zig-zag starts %v, want %v", zz[:len(want)], want)
	}
	if zz[63] != 63 || zz[62] != 62 || zz[61] != 55 {
		t.Errorf("zig-zag ends %v", zz[60:])
	}
	seen := map[uint8]bool{}
	for k, z := range zz {
		seen[z] = true
		if k == 0 {
			continue
		}
		// Consecutive positions are neighbours (a step right or down, or
		// one diagonal step).
		p := zz[k-1]
		dr, dc := int(z/8)-int(p/8), int(z%8)-int(p%8)
		if max(dr, -dr) > 1 || max(dc, -dc) > 1 {
			t.Errorf("zig-zag step %d: %d -> %d is not a neighbour", k, p, z)
		}
	}
	if len(seen) != 64 {
		t.Errorf("zig-zag order has %d distinct indices, want 64", len(seen))
	}
}

func TestScaledQuant(t *testing.T) {
	for _, c := range []struct {
		table, q int
		want     []uint8 // first natural-order row
	}{
		{luma, 50, []uint8{16, 11, 10, 16, 24, 40, 51, 61}},
		{luma, 95, []uint8{2, 1, 1, 2, 2, 4, 5, 6}},
		{chroma, 95, []uint8{2, 2, 2, 5, 10, 10, 10, 10}},
		{luma, 75, []uint8{8, 6, 5, 8, 12, 20, 26, 31}},
		{luma, 100, []uint8{1, 1, 1, 1, 1, 1, 1, 1}},
		{luma, 101, []uint8{1, 1, 1, 1, 1, 1, 1, 1}},
		{luma, 10, []uint8{80, 55, 50, 80, 120, 200, 255, 255}},
		{luma, 1, []uint8{255, 255, 255, 255, 255, 255, 255, 255}},
		{chroma, -5, []uint8{255, 255, 255, 255, 255, 255, 255, 255}},
	} {
		got := scaledQuant(c.table, c.q)
		if !slices.Equal(got[:8], c.want) {
			t.Errorf("table %d q%d: first row %v, want %v", c.table, c.q, got[:8], c.want)
		}
	}
}

func TestHuffmanSpecs(t *testing.T) {
	for i, s := range annexKHuffman() {
		total := 0
		for _, c := range s.counts {
			total += int(c)
		}
		wantLen := 162
		if i == huffLumaDC || i == huffChromaDC {
			wantLen = 12
		}
		if total != len(s.symbols) || total != wantLen {
			t.Errorf("table %d: counts sum to %d, %d symbols, want %d", i, total, len(s.symbols), wantLen)
		}
		if len(slices.Compact(slices.Sorted(slices.Values(s.symbols)))) != len(s.symbols) {
			t.Errorf("table %d: repeated symbols", i)
		}
		// The canonical codes form a prefix code with no all-ones code
		// (T.81 C: reserved), i.e. the Kraft sum is below 1.
		codes := makeCodes(s)
		kraft := 0.0
		for _, sym := range s.symbols {
			n, code := codes[sym]>>16, codes[sym]&0xffff
			if n == 0 || n > 16 || code == 1<<n-1 {
				t.Errorf("table %d symbol %#x: code %b of length %d", i, sym, code, n)
			}
			kraft += math.Ldexp(1, -int(n))
		}
		if kraft >= 1 {
			t.Errorf("table %d: Kraft sum %v, want < 1", i, kraft)
		}
	}
}

// tablesOf returns a JPEG's DQT tables (by destination) and DHT tables
// (by class<<4 | destination), each as its raw bytes.
func tablesOf(t *testing.T, b []byte) (dqt, dht map[byte][]byte) {
	t.Helper()
	dqt, dht = map[byte][]byte{}, map[byte][]byte{}
	for _, s := range segments(t, b) {
		p := s.data
		switch s.marker {
		case 0xdb:
			for len(p) >= 65 {
				dqt[p[0]] = p[1:65]
				p = p[65:]
			}
		case 0xc4:
			for len(p) >= 17 {
				n := 0
				for _, c := range p[1:17] {
					n += int(c)
				}
				dht[p[0]] = p[1 : 17+n]
				p = p[17+n:]
			}
		}
	}
	return dqt, dht
}

// TestTablesMatchImageJPEG: the quantisation tables (IJG scaling) and
// Huffman tables we write are the ones Go's image/jpeg writes, an
// independent implementation of the same standard tables.
func TestTablesMatchImageJPEG(t *testing.T) {
	m := testImage(16, 16, 3)
	for _, q := range []int{1, 10, 49, 50, 75, 95, 100} {
		var want bytes.Buffer
		if err := jpeg.Encode(&want, ycbcrOf(m), &jpeg.Options{Quality: q}); err != nil {
			t.Fatal(err)
		}
		e := New(q)
		if err := e.GrayYCbCr(io.Discard, m); err != nil {
			t.Fatal(err)
		}
		gq, gh := tablesOf(t, e.Bytes())
		wq, wh := tablesOf(t, want.Bytes())
		for _, id := range []byte{0, 1} {
			if !bytes.Equal(gq[id], wq[id]) {
				t.Errorf("q%d DQT %d: %v, image/jpeg %v", q, id, gq[id], wq[id])
			}
		}
		for _, id := range []byte{0x00, 0x10, 0x01, 0x11} {
			if !bytes.Equal(gh[id], wh[id]) {
				t.Errorf("q%d DHT %#x differs from image/jpeg's", q, id)
			}
		}
	}
}

func TestMagnitude(t *testing.T) {
	for _, c := range []struct {
		v           int32
		size, extra uint32
	}{
		{0, 0, 0}, {1, 1, 1}, {-1, 1, 0}, {2, 2, 2}, {3, 2, 3}, {-2, 2, 1}, {-3, 2, 0},
		{7, 3, 7}, {-4, 3, 3}, {255, 8, 255}, {-255, 8, 0}, {256, 9, 256},
		{1023, 10, 1023}, {-1024, 11, 1023}, {2047, 11, 2047}, {-2047, 11, 0},
	} {
		size, extra := magnitude(c.v)
		if size != c.size || extra != c.extra {
			t.Errorf("magnitude(%d) = %d, %b; want %d, %b", c.v, size, extra, c.size, c.extra)
		}
	}
}

func TestRoundHalfAway(t *testing.T) {
	for _, c := range []struct {
		x    float32
		want int32
	}{
		{0, 0}, {0.49, 0}, {0.5, 1}, {1.5, 2}, {2.5, 3}, {-0.49, 0}, {-0.5, -1},
		{-1.5, -2}, {-2.5, -3}, {3.7, 4}, {-3.7, -4}, {1023.4, 1023}, {-1023.6, -1024},
	} {
		if got := roundHalfAway(c.x); got != c.want {
			t.Errorf("roundHalfAway(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestBitWriter(t *testing.T) {
	var w bitWriter
	w.put(0b101, 3)
	w.put(0b11111, 5) // completes 0xBF
	w.put(0xff, 8)    // needs a stuffed 0x00
	w.put(0b0, 1)
	w.finish() // 0 then seven 1s of padding
	if want := []byte{0xbf, 0xff, 0x00, 0x7f}; !bytes.Equal(w.out, want) {
		t.Errorf("bytes %x, want %x", w.out, want)
	}
	w.out = w.out[:0]
	for range 10 { // many puts past the 32-bit drain point
		w.put(0x12345, 17)
	}
	w.finish()
	if len(w.out) != (170+7)/8 {
		t.Errorf("%d bytes for 170 bits", len(w.out))
	}
}

// TestDCTDefinition: two passes give T.81 A.3.3's F(v,u), computed here
// directly in float64.
func TestDCTDefinition(t *testing.T) {
	b := newDCTBasis()
	r := rand.New(rand.NewPCG(5, 5))
	c := func(u int) float64 {
		if u == 0 {
			return 1 / math.Sqrt2
		}
		return 1
	}
	for range 20 {
		var src, tmp, got block
		for y := range 8 {
			for x := range 8 {
				src[y][x] = float32(r.IntN(256) - 128)
			}
		}
		b.pass(&tmp, &src)
		b.pass(&got, &tmp)
		for v := range 8 {
			for u := range 8 {
				var s float64
				for y := range 8 {
					for x := range 8 {
						s += float64(src[y][x]) *
							math.Cos(float64((2*x+1)*u)*math.Pi/16) *
							math.Cos(float64((2*y+1)*v)*math.Pi/16)
					}
				}
				want := c(u) * c(v) / 4 * s
				if d := math.Abs(float64(got[v][u]) - want); d > 1e-3 {
					t.Fatalf("F(%d,%d) = %v, want %v", v, u, got[v][u], want)
				}
			}
		}
	}
}

// TestQuantisedCoefficients: a block's zig-zag coefficients are the
// definition's F(v,u) (level-shifted samples) divided by the quantiser and
// rounded, except within float32 error of a rounding tie.
func TestQuantisedCoefficients(t *testing.T) {
	e := New(95)
	zz := zigzagOrder()
	natural := scaledQuant(luma, 95)
	m := testImage(8, 8, 9)
	for range 2 {
		e.bw.out = e.bw.out[:0]
		e.lumaBlock(m, 0, 0, 0)
		for k, z := range zz {
			v, u := int(z/8), int(z%8)
			var s float64
			for y := range 8 {
				for x := range 8 {
					s += (float64(m.Pix[y*8+x]) - 128) *
						math.Cos(float64((2*x+1)*u)*math.Pi/16) *
						math.Cos(float64((2*y+1)*v)*math.Pi/16)
				}
			}
			if u == 0 {
				s /= math.Sqrt2
			}
			if v == 0 {
				s /= math.Sqrt2
			}
			f := s / 4 / float64(natural[z])
			frac := math.Abs(f) - math.Floor(math.Abs(f))
			if math.Abs(frac-0.5) < 1e-4 {
				continue
			}
			want := int32(math.Copysign(math.Floor(math.Abs(f)+0.5), f))
			if e.coef[k] != want {
				t.Errorf("coefficient %d (v%d u%d): %d, want %d (%v)", k, v, u, e.coef[k], want, f)
			}
		}
		m = smoothImage(8, 8, 1)
	}
}

// segment is one marker segment of a JPEG (up to the scan).
type segment struct {
	marker byte
	data   []byte
}

// segments returns the marker segments of a JPEG up to and including SOS,
// failing unless it starts with SOI and ends with EOI.
func segments(t *testing.T, b []byte) []segment {
	t.Helper()
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 || b[len(b)-2] != 0xff || b[len(b)-1] != 0xd9 {
		t.Fatal("not SOI ... EOI")
	}
	var out []segment
	for i := 2; ; {
		if i+4 > len(b) || b[i] != 0xff {
			t.Fatalf("no marker at %d", i)
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			t.Fatalf("marker %#x at %d: bad length %d", b[i+1], i, n)
		}
		out = append(out, segment{b[i+1], b[i+4 : i+2+n]})
		if b[i+1] == 0xda {
			return out
		}
		i += 2 + n
	}
}
