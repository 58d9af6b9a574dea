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

// morph applies binary erosion or dilation with OpenCV's semantics for
// erode/dilate with the default border (pixels outside the image are
// ignored) on 0/1 images of w x h, reusing its buffers.
type morph struct {
	w, h   int
	prefix []int32 // per row, w+1 running counts of set pixels
	tmp    []byte
}

// prepare sizes the buffers.
func (m *morph) prepare(w, h int) {
	m.w, m.h = w, h
	if n := (w + 1) * h; cap(m.prefix) < n {
		m.prefix = make([]int32, n)
	} else {
		m.prefix = m.prefix[:n]
	}
	if cap(m.tmp) < w*h {
		m.tmp = make([]byte, w*h)
	}
	m.tmp = m.tmp[:w*h]
}

// apply writes erode(src) (dilate when dilate is true) into dst; both are
// 0/1 slices of w*h and must not alias.
func (m *morph) apply(dst, src []byte, k Kernel, dilate bool) {
	w, h := m.w, m.h
	for y := 0; y < h; y++ {
		p := m.prefix[y*(w+1) : (y+1)*(w+1)]
		s := src[y*w : (y+1)*w]
		p[0] = 0
		for x, v := range s {
			p[x+1] = p[x] + int32(v)
		}
	}
	c := k.Size / 2
	for y := 0; y < h; y++ {
		d := dst[y*w : (y+1)*w]
		for x := range d {
			// Erosion: every in-image pixel under the kernel is set.
			// Dilation: some in-image pixel under the kernel is set.
			hit := !dilate
			for i := 0; i < k.Size; i++ {
				yy := y + i - c
				if yy < 0 || yy >= h || k.Lo[i] > k.Hi[i] {
					continue
				}
				x0, x1 := max(x+k.Lo[i], 0), min(x+k.Hi[i]+1, w)
				if x0 >= x1 {
					continue
				}
				p := m.prefix[yy*(w+1):]
				set := p[x1] - p[x0]
				if dilate && set > 0 {
					hit = true
					break
				}
				if !dilate && set != int32(x1-x0) {
					hit = false
					break
				}
			}
			d[x] = 0
			if hit {
				d[x] = 1
			}
		}
	}
}

// repeat applies erode or dilate n times to buf in place.
func (m *morph) repeat(buf []byte, k Kernel, dilate bool, n int) {
	for range n {
		m.apply(m.tmp, buf, k, dilate)
		copy(buf, m.tmp)
	}
}

// Erode is cv2.erode(src, ellipse) for a 0/non-zero image, writing 0/255
// into dst (same size, may not alias src). It allocates; the Cleaner
// reuses its buffers.
func Erode(dst, src *image.Gray, k Kernel, iterations int) {
	morphGray(dst, src, k, false, iterations)
}

// Dilate is cv2.dilate(src, ellipse) for a 0/non-zero image, writing 0/255
// into dst (same size, may not alias src). It allocates.
func Dilate(dst, src *image.Gray, k Kernel, iterations int) {
	morphGray(dst, src, k, true, iterations)
}

func morphGray(dst, src *image.Gray, k Kernel, dilate bool, n int) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	var m morph
	m.prepare(w, h)
	buf := make([]byte, w*h)
	toBinary(buf, src)
	m.repeat(buf, k, dilate, n)
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
func Open(dst, src *image.Gray, k Kernel, n int) {
	tmp := image.NewGray(src.Rect)
	Erode(tmp, src, k, n)
	Dilate(dst, tmp, k, n)
}

// Close is cv2.morphologyEx(src, MORPH_CLOSE, k, iterations=n): n
// dilations then n erosions. It allocates.
func Close(dst, src *image.Gray, k Kernel, n int) {
	tmp := image.NewGray(src.Rect)
	Dilate(tmp, src, k, n)
	Erode(dst, tmp, k, n)
}
