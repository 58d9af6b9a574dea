package imgproc

import (
	"image"
	"math"
)

// Ellipse returns OpenCV's getStructuringElement(MORPH_ELLIPSE, (k, k)) as
// one horizontal span per kernel row, relative to the anchor (k/2, k/2):
// row i covers columns [Lo[i], Hi[i]] (Lo > Hi when the row is empty).
func Ellipse(k int) Kernel {
	k = max(k, 1)
	kern := Kernel{Size: k, Lo: make([]int, k), Hi: make([]int, k)}
	r, c := k/2, k/2
	for i := 0; i < k; i++ {
		j1, j2 := 0, k // MORPH_RECT for 1x1, as OpenCV does
		if k > 1 {
			j1, j2 = 0, 0
			invR2 := 0.0
			if r != 0 {
				invR2 = 1 / float64(r*r)
			}
			if dy := i - r; abs(dy) <= r {
				dx := int(math.RoundToEven(float64(c) * math.Sqrt(float64(r*r-dy*dy)*invR2)))
				j1 = max(c-dx, 0)
				j2 = min(c+dx+1, k)
			}
		}
		kern.Lo[i], kern.Hi[i] = j1-c, j2-1-c
	}
	return kern
}

// Kernel is a structuring element made of one horizontal span per row, as
// OpenCV's ellipses are. Row i is at vertical offset i - Size/2.
type Kernel struct {
	Size   int
	Lo, Hi []int
}

// Image renders the kernel as a Size x Size 0/1 image (for tests and
// comparison with OpenCV).
func (k Kernel) Image() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, k.Size, k.Size))
	c := k.Size / 2
	for i := range k.Size {
		for x := k.Lo[i]; x <= k.Hi[i]; x++ {
			g.Pix[i*g.Stride+x+c] = 1
		}
	}
	return g
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// morph applies binary erosion and dilation with OpenCV's semantics for
// erode/dilate with the default border (pixels outside the image are
// ignored). It works on a bitmap, 64 pixels per word, so a 224x224 mask
// is 4 words a row and an operation costs a few thousand word operations.
type morph struct {
	w, h, nw int
	cur, tmp []uint64   // h rows of nw words; bits past w are kept 0
	hor      [][]uint64 // per distinct kernel span, the row-wise result
	spans    [][2]int   // distinct (Lo, Hi) of the kernel rows
	rowSpan  []int      // kernel row -> index into spans (-1: empty row)
}

// prepare sizes the buffers for w x h images and kernel k.
func (m *morph) prepare(w, h int, k Kernel) {
	m.w, m.h, m.nw = w, h, (w+63)/64
	n := h * m.nw
	if cap(m.cur) < n {
		m.cur, m.tmp = make([]uint64, n), make([]uint64, n)
	}
	m.cur, m.tmp = m.cur[:n], m.tmp[:n]
	m.spans = m.spans[:0]
	m.rowSpan = m.rowSpan[:0]
	for i := range k.Size {
		idx := -1
		if k.Lo[i] <= k.Hi[i] {
			sp := [2]int{k.Lo[i], k.Hi[i]}
			for j, t := range m.spans {
				if t == sp {
					idx = j
				}
			}
			if idx < 0 {
				idx = len(m.spans)
				m.spans = append(m.spans, sp)
			}
		}
		m.rowSpan = append(m.rowSpan, idx)
	}
	for len(m.hor) < len(m.spans) {
		m.hor = append(m.hor, nil)
	}
	for i := range m.spans {
		if cap(m.hor[i]) < n {
			m.hor[i] = make([]uint64, n)
		}
		m.hor[i] = m.hor[i][:n]
	}
}

// load packs a 0/non-zero slice of w*h bytes into the bitmap.
func (m *morph) load(pix []byte) {
	clear(m.cur)
	for y := 0; y < m.h; y++ {
		row := m.cur[y*m.nw : (y+1)*m.nw]
		for x, v := range pix[y*m.w : (y+1)*m.w] {
			if v != 0 {
				row[x>>6] |= 1 << (x & 63)
			}
		}
	}
}

// store unpacks the bitmap into a 0/1 slice of w*h bytes.
func (m *morph) store(pix []byte) {
	for y := 0; y < m.h; y++ {
		row := m.cur[y*m.nw : (y+1)*m.nw]
		out := pix[y*m.w : (y+1)*m.w]
		for x := range out {
			out[x] = byte(row[x>>6]>>(x&63)) & 1
		}
	}
}

// shifted returns word i of a row shifted so that bit x of the result is
// bit x+s of src; bits outside the row read as fill.
func shifted(src []uint64, i, s int, fill uint64) uint64 {
	o := i*64 + s
	q, r := o>>6, uint(o&63) // arithmetic shift: floor division
	get := func(j int) uint64 {
		if j < 0 || j >= len(src) {
			return fill
		}
		return src[j]
	}
	if r == 0 {
		return get(q)
	}
	return get(q)>>r | get(q+1)<<(64-r)
}

// op runs one erosion (dilate false) or dilation of cur with kernel k
// (the one given to prepare) into cur.
func (m *morph) op(k Kernel, dilate bool) {
	nw, w := m.nw, m.w
	fill := ^uint64(0) // erosion: outside pixels never clear a result
	if dilate {
		fill = 0
	}
	// Padding bits past w read as fill too.
	pad := uint64(0)
	if w%64 != 0 {
		pad = ^uint64(0) << (w % 64)
	}
	last := uint64(^uint64(0))
	if w%64 != 0 {
		last = ^pad
	}
	for y := 0; y < m.h; y++ {
		row := m.cur[y*nw : (y+1)*nw]
		row[nw-1] = row[nw-1]&last | pad&fill
	}
	// Horizontal pass per distinct span.
	for si, sp := range m.spans {
		hor := m.hor[si]
		for y := 0; y < m.h; y++ {
			src := m.cur[y*nw : (y+1)*nw]
			dst := hor[y*nw : (y+1)*nw]
			for i := range dst {
				acc := fill // the identity: 0 for OR, all ones for AND
				for s := sp[0]; s <= sp[1]; s++ {
					v := shifted(src, i, s, fill)
					if dilate {
						acc |= v
					} else {
						acc &= v
					}
				}
				dst[i] = acc
			}
		}
	}
	// Vertical pass: combine the kernel rows that fall inside the image.
	c := k.Size / 2
	for y := 0; y < m.h; y++ {
		dst := m.tmp[y*nw : (y+1)*nw]
		for i := range dst {
			if dilate {
				dst[i] = 0
			} else {
				dst[i] = ^uint64(0)
			}
		}
		for i, si := range m.rowSpan {
			yy := y + i - c
			if si < 0 || yy < 0 || yy >= m.h {
				continue
			}
			src := m.hor[si][yy*nw : (yy+1)*nw]
			for j := range dst {
				if dilate {
					dst[j] |= src[j]
				} else {
					dst[j] &= src[j]
				}
			}
		}
		dst[nw-1] &= last
	}
	m.cur, m.tmp = m.tmp, m.cur
}

// repeat runs n erosions or dilations.
func (m *morph) repeat(k Kernel, dilate bool, n int) {
	for range n {
		m.op(k, dilate)
	}
}

// Erode is cv2.erode(src, ellipse) for a 0/non-zero image, writing 0/255
// into dst (same size; dst may be src). It allocates; the Cleaner
// reuses its buffers.
func Erode(dst, src *image.Gray, k Kernel, iterations int) {
	morphGray(dst, src, k, false, iterations)
}

// Dilate is cv2.dilate(src, ellipse) for a 0/non-zero image, writing 0/255
// into dst (same size; dst may be src). It allocates.
func Dilate(dst, src *image.Gray, k Kernel, iterations int) {
	morphGray(dst, src, k, true, iterations)
}

func morphGray(dst, src *image.Gray, k Kernel, dilate bool, n int) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	var m morph
	m.prepare(w, h, k)
	buf := make([]byte, w*h)
	toBinary(buf, src)
	m.load(buf)
	m.repeat(k, dilate, n)
	m.store(buf)
	fromBinary(dst, buf)
}

// toBinary copies a gray image into a 0/1 slice.
func toBinary(dst []byte, src *image.Gray) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		for x, v := range src.Pix[y*src.Stride : y*src.Stride+w] {
			dst[y*w+x] = b2u8(v != 0)
		}
	}
}

// fromBinary writes a 0/1 slice as a 0/255 gray image.
func fromBinary(dst *image.Gray, src []byte) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y < h; y++ {
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x := range d {
			d[x] = -src[y*w+x] // 1 -> 255, 0 -> 0
		}
	}
}

func b2u8(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// Open is cv2.morphologyEx(src, MORPH_OPEN, k, iterations=n): n erosions
// then n dilations. It allocates.
func Open(dst, src *image.Gray, k Kernel, iterations int) {
	tmp := image.NewGray(src.Rect)
	Erode(tmp, src, k, iterations)
	Dilate(dst, tmp, k, iterations)
}

// Close is cv2.morphologyEx(src, MORPH_CLOSE, k, iterations=n): n
// dilations then n erosions. It allocates.
func Close(dst, src *image.Gray, k Kernel, iterations int) {
	tmp := image.NewGray(src.Rect)
	Dilate(tmp, src, k, iterations)
	Erode(dst, tmp, k, iterations)
}
