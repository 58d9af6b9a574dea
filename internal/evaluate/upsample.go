package evaluate

// resizeBilinear resizes a sw x sh float map into dw x dh with OpenCV
// INTER_LINEAR semantics (half-pixel centres, edge samples clamped, no
// antialiasing): how a probability map at 224 is brought back to a mask's
// own resolution before thresholding. Tables are rebuilt per call; the
// evaluation's cost is dominated by the network.
func resizeBilinear(dst []float32, dw, dh int, src []float32, sw, sh int) {
	type tap struct {
		i0, i1 int
		w1     float32
	}
	taps := func(s, d int) []tap {
		t := make([]tap, d)
		scale := float64(s) / float64(d)
		for i := range t {
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
			t[i] = tap{i0, i1, float32(w1)}
		}
		return t
	}
	xs, ys := taps(sw, dw), taps(sh, dh)
	for y, ty := range ys {
		r0, r1 := src[ty.i0*sw:(ty.i0+1)*sw], src[ty.i1*sw:(ty.i1+1)*sw]
		out := dst[y*dw : (y+1)*dw]
		for x, tx := range xs {
			a := r0[tx.i0] + (r0[tx.i1]-r0[tx.i0])*tx.w1
			b := r1[tx.i0] + (r1[tx.i1]-r1[tx.i0])*tx.w1
			out[x] = a + (b-a)*ty.w1
		}
	}
}
