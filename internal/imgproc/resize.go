package imgproc

import (
	"image"
	"math"
)

// Resizer resizes 8-bit gray images with OpenCV's cv::resize semantics
// (INTER_LINEAR and INTER_AREA). It keeps the coefficient tables and row
// buffers of the sizes it last saw, so resizing images of one size again
// and again allocates nothing. The zero value is ready to use.
type Resizer struct {
	lin  linearPlan
	area areaPlan
}

// ResizeLinear resizes src into dst (dst.Rect gives the size) like
// cv2.resize(src, size, interpolation=cv2.INTER_LINEAR): bilinear with
// half-pixel centres, no antialiasing, OpenCV's 11-bit fixed-point
// weights. Bit-exact to OpenCV 4.6 on x86-64. It allocates its tables on
// every call; use a Resizer to reuse them.
func ResizeLinear(dst, src *image.Gray) {
	var r Resizer
	r.Linear(dst, src)
}

// ResizeArea resizes src into dst like cv2.resize(..., INTER_AREA): a box
// average for integer factors, OpenCV's fractional pixel-area weights
// otherwise, and INTER_LINEAR with area-style weights when enlarging.
// Bit-exact to OpenCV 4.6. It allocates its tables on every call; use a
// Resizer to reuse them.
func ResizeArea(dst, src *image.Gray) {
	var r Resizer
	r.Area(dst, src)
}

// Linear is ResizeLinear with reused tables and buffers.
func (r *Resizer) Linear(dst, src *image.Gray) {
	if resizeTrivial(dst, src) {
		return
	}
	sw, sh, dw, dh := src.Rect.Dx(), src.Rect.Dy(), dst.Rect.Dx(), dst.Rect.Dy()
	if fx, fy, ok := integerScale(sw, sh, dw, dh); ok && fx == 2 && fy == 2 {
		// cv::resize does this too: a 2x bilinear reduction is the 2x2 box.
		areaFast(dst, src, 2, 2)
		return
	}
	r.lin.prepare(sw, sh, dw, dh, false)
	r.lin.run(dst, src)
}

// Area is ResizeArea with reused tables and buffers.
func (r *Resizer) Area(dst, src *image.Gray) {
	if resizeTrivial(dst, src) {
		return
	}
	sw, sh, dw, dh := src.Rect.Dx(), src.Rect.Dy(), dst.Rect.Dx(), dst.Rect.Dy()
	if dw > sw || dh > sh {
		// OpenCV enlarges with INTER_LINEAR using area-mode coefficients.
		r.lin.prepare(sw, sh, dw, dh, true)
		r.lin.run(dst, src)
		return
	}
	if fx, fy, ok := integerScale(sw, sh, dw, dh); ok {
		areaFast(dst, src, fx, fy)
		return
	}
	r.area.prepare(sw, sh, dw, dh)
	r.area.run(dst, src)
}

// resizeTrivial handles empty images and equal sizes (cv::resize copies).
func resizeTrivial(dst, src *image.Gray) bool {
	sw, sh, dw, dh := src.Rect.Dx(), src.Rect.Dy(), dst.Rect.Dx(), dst.Rect.Dy()
	if dw <= 0 || dh <= 0 {
		return true
	}
	if sw <= 0 || sh <= 0 {
		clear(dst.Pix)
		return true
	}
	if sw == dw && sh == dh {
		copyGray(dst, src)
		return true
	}
	return false
}

// invScale returns OpenCV's inv_scale (dst/src) and scale (1/inv_scale),
// computed in the same order so the doubles agree bit for bit.
func invScale(s, d int) (inv, scale float64) {
	inv = float64(d) / float64(s)
	return inv, 1 / inv
}

// integerScale reports whether both factors are integers (OpenCV's
// is_area_fast test, |scale - round(scale)| < DBL_EPSILON).
func integerScale(sw, sh, dw, dh int) (fx, fy int, ok bool) {
	_, sx := invScale(sw, dw)
	_, sy := invScale(sh, dh)
	ix, iy := int(math.RoundToEven(sx)), int(math.RoundToEven(sy))
	const eps = 2.220446049250313e-16
	ok = sx >= 1 && sy >= 1 && math.Abs(sx-float64(ix)) < eps && math.Abs(sy-float64(iy)) < eps
	return ix, iy, ok
}

// sizedInt32 returns b resized to n, reallocating only when it must grow.
func sizedInt32(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

// sizedFloat32 returns b resized to n, reallocating only when it must grow.
func sizedFloat32(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// roundU8 is OpenCV's saturate_cast<uchar>(float): round half to even
// (cvRound uses the FPU's default rounding), then clamp to 0..255.
func roundU8(v float32) byte {
	r := math.RoundToEven(float64(v))
	if r <= 0 {
		return 0
	}
	if r >= 255 {
		return 255
	}
	return byte(r)
}
