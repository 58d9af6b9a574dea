// Package cc labels connected components of binary images: 8-connected
// foreground components (the lungs of a mask) and 4-connected background
// regions (to find holes). It allocates only when an image is larger than
// any seen before.
package cc

import "image"

// Component describes one labelled component.
type Component struct {
	Label  int32           // 1-based label in Labeler.Labels
	Size   int             // pixel count
	Bounds image.Rectangle // bounding box, Max exclusive
	SumX   int64           // sum of x coordinates (centroid = SumX/Size)
	SumY   int64           // sum of y coordinates
}

// Labeler labels the components of w x h binary images stored one byte per
// pixel (non-zero = set), reusing its buffers between calls.
type Labeler struct {
	// Labels holds, after Label, each pixel's component label (1-based)
	// or 0 for pixels not in any component. Row-major, stride w.
	Labels []int32
	// Components lists the components in label order (raster order of
	// their first pixel).
	Components []Component

	queue []int32
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
// components; details are in l.Labels and l.Components.
func (l *Labeler) Label(pix []byte, w, h int, fg bool, conn Connectivity) int {
	n := w * h
	if cap(l.Labels) < n {
		l.Labels = make([]int32, n)
		l.queue = make([]int32, n)
	}
	l.Labels = l.Labels[:n]
	clear(l.Labels)
	l.Components = l.Components[:0]
	queue := l.queue[:n]
	in := func(i int) bool { return (pix[i] != 0) == fg }
	for start := 0; start < n; start++ {
		if l.Labels[start] != 0 || !in(start) {
			continue
		}
		label := int32(len(l.Components) + 1)
		// Not image.Rect, which would swap the inverted corners.
		c := Component{Label: label, Bounds: image.Rectangle{Min: image.Pt(w, h)}}
		l.Labels[start] = label
		queue[0] = int32(start)
		head, tail := 0, 1
		for head < tail {
			p := int(queue[head])
			head++
			x, y := p%w, p/w
			c.Size++
			c.SumX += int64(x)
			c.SumY += int64(y)
			c.Bounds.Min.X = min(c.Bounds.Min.X, x)
			c.Bounds.Min.Y = min(c.Bounds.Min.Y, y)
			c.Bounds.Max.X = max(c.Bounds.Max.X, x+1)
			c.Bounds.Max.Y = max(c.Bounds.Max.Y, y+1)
			for dy := -1; dy <= 1; dy++ {
				yy := y + dy
				if yy < 0 || yy >= h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					xx := x + dx
					if xx < 0 || xx >= w || (dx == 0 && dy == 0) {
						continue
					}
					if conn == Four && dx != 0 && dy != 0 {
						continue
					}
					q := yy*w + xx
					if l.Labels[q] == 0 && in(q) {
						l.Labels[q] = label
						queue[tail] = int32(q)
						tail++
					}
				}
			}
		}
		l.Components = append(l.Components, c)
	}
	return len(l.Components)
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
