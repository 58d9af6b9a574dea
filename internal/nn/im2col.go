package nn

// im2col lowers one c x h x w image for a k x k convolution with stride s
// and padding p onto an oh*ow grid:
//
//	col[((ci*k+kh)*k+kw)*oh*ow + y*ow + x] = img[ci, y*s-p+kh, x*s-p+kw]
//
// with zeros outside the image. Row order matches OIHW weights.
func im2col(col, img []float32, c, h, w, k, s, p, oh, ow int) {
	im2colRows(col, img, c, h, w, k, s, p, ow, 0, oh)
}

// im2colRows is im2col restricted to output rows [y0, y1): column
// (y-y0)*ow + x of each row. Convolutions lower an image a few rows at a
// time so the columns stay in cache between im2col and sgemm.
func im2colRows(col, img []float32, c, h, w, k, s, p, ow, y0, y1 int) {
	n := (y1 - y0) * ow
	r := 0
	for ci := 0; ci < c; ci++ {
		plane := img[ci*h*w : (ci+1)*h*w]
		for kh := 0; kh < k; kh++ {
			for kw := 0; kw < k; kw++ {
				row := col[r*n : (r+1)*n]
				r++
				// Columns x whose source column x*s-p+kw lies inside.
				x0, x1 := colRange(w, s, p, kw, ow)
				for y := y0; y < y1; y++ {
					dst := row[(y-y0)*ow : (y-y0+1)*ow]
					iy := y*s - p + kh
					if iy < 0 || iy >= h || x0 >= x1 {
						clear(dst)
						continue
					}
					src := plane[iy*w : (iy+1)*w]
					clear(dst[:x0])
					if s == 1 {
						copy(dst[x0:x1], src[x0-p+kw:x1-p+kw])
					} else {
						for x := x0; x < x1; x++ {
							dst[x] = src[x*s-p+kw]
						}
					}
					clear(dst[x1:])
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds every column entry back onto the
// image position it was read from. img must be initialised (zeroed or
// holding values to accumulate onto).
func col2im(img, col []float32, c, h, w, k, s, p, oh, ow int) {
	n := oh * ow
	r := 0
	for ci := 0; ci < c; ci++ {
		plane := img[ci*h*w : (ci+1)*h*w]
		for kh := 0; kh < k; kh++ {
			for kw := 0; kw < k; kw++ {
				row := col[r*n : (r+1)*n]
				r++
				x0, x1 := colRange(w, s, p, kw, ow)
				if x0 >= x1 {
					continue
				}
				for y := 0; y < oh; y++ {
					iy := y*s - p + kh
					if iy < 0 || iy >= h {
						continue
					}
					src := row[y*ow : (y+1)*ow]
					dst := plane[iy*w : (iy+1)*w]
					if s == 1 {
						d := dst[x0-p+kw : x1-p+kw]
						for j, v := range src[x0:x1] {
							d[j] += v
						}
					} else {
						for x := x0; x < x1; x++ {
							dst[x*s-p+kw] += src[x]
						}
					}
				}
			}
		}
	}
}

// colRange returns the output columns [x0, x1) whose input column
// x*s-p+kw falls inside [0, w).
func colRange(w, s, p, kw, ow int) (int, int) {
	x0 := 0
	for x0 < ow && x0*s-p+kw < 0 {
		x0++
	}
	x1 := ow
	for x1 > x0 && (x1-1)*s-p+kw >= w {
		x1--
	}
	return x0, x1
}
