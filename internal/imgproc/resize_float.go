package imgproc

// FloatResizer resizes float32 maps (probability maps) with OpenCV
// INTER_LINEAR semantics: half-pixel centres, edge samples clamped, no
// antialiasing. It keeps its tables and row buffers between calls, so
// resizing maps of one pair of sizes allocates nothing. Rows are produced
// one at a time (each output row interpolates two horizontally resized
// source rows, cached while consecutive output rows share them), so a
// full-resolution result never needs a float32 copy of the whole image.
type FloatResizer struct {
	sw, sh, dw, dh int
	xs, ys         []floatTap
	rows           [2][]float32 // horizontally resized source rows
	rowOf          [2]int       // which source row each holds (-1: none)
	out            []float32
}

// floatTap is one output coordinate's two source samples and the weight
// of the second.
type floatTap struct {
	i0, i1 int
	w1     float32
}

// floatTaps computes the taps of a d-sample axis sampled from s samples.
func floatTaps(t []floatTap, s, d int) []floatTap {
	t = t[:0]
	scale := float64(s) / float64(d)
	for i := range d {
		f := (float64(i)+0.5)*scale - 0.5
		i0 := int(f)
		if f < 0 {
			i0, f = 0, 0
		}
		w1 := f - float64(i0)
		i1 := i0 + 1
		if i0 >= s-1 {
			i0, i1, w1 = s-1, s-1, 0
		}
		t = append(t, floatTap{i0, i1, float32(w1)})
	}
	return t
}

// prepare plans a sw x sh -> dw x dh resize.
func (r *FloatResizer) prepare(sw, sh, dw, dh int) {
	if r.sw != sw || r.sh != sh || r.dw != dw || r.dh != dh || r.xs == nil {
		r.sw, r.sh, r.dw, r.dh = sw, sh, dw, dh
		r.xs, r.ys = floatTaps(r.xs, sw, dw), floatTaps(r.ys, sh, dh)
		for i := range r.rows {
			if cap(r.rows[i]) < dw {
				r.rows[i] = make([]float32, dw)
			}
			r.rows[i] = r.rows[i][:dw]
		}
		if cap(r.out) < dw {
			r.out = make([]float32, dw)
		}
		r.out = r.out[:dw]
	}
	r.rowOf = [2]int{-1, -1}
}

// hrow returns source row y of src resized horizontally, from the cache
// when it holds it.
func (r *FloatResizer) hrow(src []float32, y int) []float32 {
	for i, have := range r.rowOf {
		if have == y {
			return r.rows[i]
		}
	}
	// Evict the row that is not the other one in use: rows advance
	// monotonically, so the older slot is the one with the smaller index.
	slot := 0
	if r.rowOf[1] < r.rowOf[0] {
		slot = 1
	}
	row := src[y*r.sw : (y+1)*r.sw]
	out := r.rows[slot]
	for x, t := range r.xs {
		a := row[t.i0]
		out[x] = a + (row[t.i1]-a)*t.w1
	}
	r.rowOf[slot] = y
	return out
}

// rowsOf calls emit with each output row of the resize of src (sw x sh)
// to dw x dh, top to bottom. The slice passed to emit is reused.
func (r *FloatResizer) rowsOf(src []float32, sw, sh, dw, dh int, emit func(y int, row []float32)) {
	r.prepare(sw, sh, dw, dh)
	for y, ty := range r.ys {
		r0, r1 := r.hrow(src, ty.i0), r.hrow(src, ty.i1)
		out := r.out
		for x := range out {
			a := r0[x]
			out[x] = a + (r1[x]-a)*ty.w1
		}
		emit(y, out)
	}
}

// Resize writes the dw x dh resize of src (sw x sh, row-major) into dst.
func (r *FloatResizer) Resize(dst []float32, dw, dh int, src []float32, sw, sh int) {
	r.rowsOf(src, sw, sh, dw, dh, func(y int, row []float32) {
		copy(dst[y*dw:(y+1)*dw], row)
	})
}
