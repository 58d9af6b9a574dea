package jpegenc

import "math"

// block is an 8x8 block of samples or coefficients, [row][column].
type block [8][8]float32

// dctBasis holds the one-dimensional DCT-II basis of T.81 A.3.3,
//
//	basis[u][x] = C(u)/2 · cos((2x+1)uπ/16),  C(0) = 1/√2, C(u>0) = 1,
//
// for x < 4. The other half follows by symmetry,
// basis[u][7-x] = (-1)^u basis[u][x], so even frequencies need only the
// sums p[x]+p[7-x] and odd ones the differences p[x]-p[7-x]. Applied to
// rows and then columns this is exactly the standard's two-dimensional
// F(v,u) = C(u)C(v)/4 ΣΣ f(y,x) cos((2x+1)uπ/16) cos((2y+1)vπ/16).
type dctBasis [8][4]float32

func newDCTBasis() (b dctBasis) {
	for u := range b {
		cu := 0.5
		if u == 0 {
			cu = 0.5 / math.Sqrt2
		}
		for x := range b[u] {
			b[u][x] = float32(cu * math.Cos(float64((2*x+1)*u)*math.Pi/16))
		}
	}
	return b
}

// pass transforms each row of src and stores the result transposed:
// dst[u][r] is frequency u of row r. Two passes therefore give the 2-D
// transform in natural order, dst[v][u] with v the vertical frequency.
//
// Within the even frequencies the symmetry goes one step further: with
// e = s[x]+s[3-x] and o = s[x]-s[3-x] (s the sums above), basis rows 0
// and 4 need only e and rows 2 and 6 only o.
func (b *dctBasis) pass(dst, src *block) {
	for r := range 8 {
		p := &src[r]
		s0, d0 := p[0]+p[7], p[0]-p[7]
		s1, d1 := p[1]+p[6], p[1]-p[6]
		s2, d2 := p[2]+p[5], p[2]-p[5]
		s3, d3 := p[3]+p[4], p[3]-p[4]
		e0, o0 := s0+s3, s0-s3
		e1, o1 := s1+s2, s1-s2
		dst[0][r] = b[0][0] * (e0 + e1)
		dst[4][r] = b[4][0] * (e0 - e1)
		dst[2][r] = b[2][0]*o0 + b[2][1]*o1
		dst[6][r] = b[6][0]*o0 + b[6][1]*o1
		dst[1][r] = b[1][0]*d0 + b[1][1]*d1 + b[1][2]*d2 + b[1][3]*d3
		dst[3][r] = b[3][0]*d0 + b[3][1]*d1 + b[3][2]*d2 + b[3][3]*d3
		dst[5][r] = b[5][0]*d0 + b[5][1]*d1 + b[5][2]*d2 + b[5][3]*d3
		dst[7][r] = b[7][0]*d0 + b[7][1]*d1 + b[7][2]*d2 + b[7][3]*d3
	}
}

// roundHalfAway rounds x to the nearest integer, halves away from zero
// (the rounding T.81 A.3.4 describes for quantisation). Copying x's sign
// onto 0.5 avoids a branch on the sign, which is unpredictable for AC
// coefficients; the conversion then truncates towards zero.
func roundHalfAway(x float32) int32 {
	half := math.Float32frombits(0x3f000000 | math.Float32bits(x)&0x80000000)
	return int32(x + half)
}
