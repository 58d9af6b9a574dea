// Package cc labels connected components of binary images: 8-connected
// foreground components (the lungs of a mask) and 4-connected background
// regions (to find holes). It works on horizontal runs of pixels joined
// with union-find, so a 224x224 mask costs a few thousand operations, and
// it allocates only when an image is larger than any seen before.
package cc

import "image"

// Component describes one labelled component.
type Component struct {
	Label  int32           // 1-based label, as in Run.Label
	Size   int             // pixel count
	Bounds image.Rectangle // bounding box, Max exclusive
	SumX   int64           // sum of x coordinates (centroid = SumX/Size)
	SumY   int64           // sum of y coordinates
}

// Run is a horizontal run of pixels [X0, X1) on row Y.
type Run struct {
	Y, X0, X1 int32
	Label     int32 // component label (1-based) after Label
}

// Labeler labels the components of w x h binary images stored one byte per
// pixel (non-zero = set), reusing its buffers between calls.
type Labeler struct {
	// Runs holds, after Label, the runs of the labelled pixels in raster
	// order, each with its component's label.
	Runs []Run
	// Components lists the components in label order (raster order of
	// their first pixel).
	Components []Component

	parent   []int32 // union-find over runs
	rowStart []int32 // index of each row's first run, plus a sentinel
	labelOf  []int32 // root run -> label
}

// Connectivity selects which neighbours join a component.
type Connectivity int

const (
	// Four joins horizontal and vertical neighbours.
	Four Connectivity = 4
	// Eight also joins diagonal neighbours.
	Eight Connectivity = 8
)

// Label labels the components formed by the pixels whose value (non-zero
// or not) equals fg, with the given connectivity. It returns the number of
// components; details are in l.Runs and l.Components.
func (l *Labeler) Label(pix []byte, w, h int, fg bool, conn Connectivity) int {
	l.Runs = l.Runs[:0]
	l.rowStart = l.rowStart[:0]
	for y := 0; y < h; y++ {
		l.rowStart = append(l.rowStart, int32(len(l.Runs)))
		row := pix[y*w : (y+1)*w]
		for x := 0; x < w; {
			for x < w && (row[x] != 0) != fg {
				x++
			}
			if x == w {
				break
			}
			x0 := x
			for x < w && (row[x] != 0) == fg {
				x++
			}
			l.Runs = append(l.Runs, Run{Y: int32(y), X0: int32(x0), X1: int32(x)})
		}
	}
	l.rowStart = append(l.rowStart, int32(len(l.Runs)))
	n := len(l.Runs)
	l.parent = grow(l.parent, n)
	for i := range l.parent {
		l.parent[i] = int32(i)
	}
	// Join overlapping runs of consecutive rows. Under 8-connectivity
	// runs touching at a corner join too.
	reach := int32(0)
	if conn == Eight {
		reach = 1
	}
	for y := 1; y < h; y++ {
		a, aEnd := l.rowStart[y-1], l.rowStart[y]
		b, bEnd := l.rowStart[y], l.rowStart[y+1]
		for a < aEnd && b < bEnd {
			ra, rb := &l.Runs[a], &l.Runs[b]
			if ra.X0 < rb.X1+reach && rb.X0 < ra.X1+reach {
				l.union(a, b)
			}
			// Advance the run that ends first.
			if ra.X1 < rb.X1 {
				a++
			} else {
				b++
			}
		}
	}
	// Number the roots in raster order and gather statistics.
	l.labelOf = grow(l.labelOf, n)
	clear(l.labelOf)
	l.Components = l.Components[:0]
	for i := range l.Runs {
		r := &l.Runs[i]
		root := l.find(int32(i))
		lab := l.labelOf[root]
		if lab == 0 {
			lab = int32(len(l.Components) + 1)
			l.labelOf[root] = lab
			l.Components = append(l.Components, Component{Label: lab,
				Bounds: image.Rect(int(r.X0), int(r.Y), int(r.X1), int(r.Y)+1)})
		}
		r.Label = lab
		c := &l.Components[lab-1]
		n := int(r.X1 - r.X0)
		c.Size += n
		c.SumX += int64(r.X0+r.X1-1) * int64(n) / 2
		c.SumY += int64(r.Y) * int64(n)
		c.Bounds.Min.X = min(c.Bounds.Min.X, int(r.X0))
		c.Bounds.Max.X = max(c.Bounds.Max.X, int(r.X1))
		c.Bounds.Max.Y = int(r.Y) + 1
	}
	return len(l.Components)
}

func (l *Labeler) find(i int32) int32 {
	for l.parent[i] != i {
		l.parent[i] = l.parent[l.parent[i]] // path halving
		i = l.parent[i]
	}
	return i
}

// union joins two runs' sets, keeping the smaller index as the root so a
// set's root is its first run in raster order.
func (l *Labeler) union(a, b int32) {
	ra, rb := l.find(a), l.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		l.parent[rb] = ra
	} else {
		l.parent[ra] = rb
	}
}

// Paint sets pix[i] = v for every pixel of the runs whose label satisfies
// keep (w is the row stride of pix).
func (l *Labeler) Paint(pix []byte, w int, v byte, keep func(label int32) bool) {
	for _, r := range l.Runs {
		if keep(r.Label) {
			row := pix[int(r.Y)*w:]
			for x := r.X0; x < r.X1; x++ {
				row[x] = v
			}
		}
	}
}

// Largest writes into dst the indices (into l.Components) of the k largest
// components, largest first; ties keep label order. It returns dst.
func (l *Labeler) Largest(dst []int, k int) []int {
	dst = dst[:0]
	for len(dst) < k && len(dst) < len(l.Components) {
		best := -1
		for i, c := range l.Components {
			if contains(dst, i) {
				continue
			}
			if best < 0 || c.Size > l.Components[best].Size {
				best = i
			}
		}
		dst = append(dst, best)
	}
	return dst
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// grow returns b with length n, reallocating only when it must grow.
func grow(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}
