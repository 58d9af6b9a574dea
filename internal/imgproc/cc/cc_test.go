package cc

import (
	"image"
	"slices"
	"strings"
	"testing"
)

// parse turns rows of '#' and '.' into a 0/1 slice.
func parse(rows ...string) ([]byte, int, int) {
	w, h := len(rows[0]), len(rows)
	pix := make([]byte, w*h)
	for y, r := range rows {
		for x, c := range r {
			if c == '#' {
				pix[y*w+x] = 1
			}
		}
	}
	return pix, w, h
}

func TestLabel(t *testing.T) {
	pix, w, h := parse(
		"#..##",
		".#.##",
		"..#..",
		".....",
		"##..#",
	)
	cases := []struct {
		fg    bool
		conn  Connectivity
		sizes []int
	}{
		// Diagonals join under 8-connectivity: the diagonal and the 2x2
		// square touch at (2,2)-(3,1).
		{true, Eight, []int{7, 2, 1}},
		{true, Four, []int{1, 4, 1, 1, 2, 1}},
		{false, Four, []int{3, 12}},
		{false, Eight, []int{15}},
	}
	var l Labeler
	for _, c := range cases {
		n := l.Label(pix, w, h, c.fg, c.conn)
		var sizes []int
		for _, comp := range l.Components {
			sizes = append(sizes, comp.Size)
		}
		if n != len(c.sizes) || !slices.Equal(sizes, c.sizes) {
			t.Errorf("fg=%v conn=%d: sizes %v, want %v", c.fg, c.conn, sizes, c.sizes)
		}
	}
}

func TestComponentGeometry(t *testing.T) {
	pix, w, h := parse(
		"......",
		".###..",
		".#....",
		"......",
	)
	var l Labeler
	if l.Label(pix, w, h, true, Eight) != 1 {
		t.Fatal("want one component")
	}
	c := l.Components[0]
	if c.Bounds != image.Rect(1, 1, 4, 3) || c.Size != 4 || c.SumX != 1+2+3+1 || c.SumY != 1+1+1+2 {
		t.Errorf("component %+v", c)
	}
	painted := make([]byte, len(pix))
	l.Paint(painted, w, 1, func(int32) bool { return true })
	for i := range pix {
		if painted[i] != pix[i] {
			t.Fatalf("painted runs differ from the image at %d", i)
		}
	}
}

func TestLargest(t *testing.T) {
	pix, w, h := parse(strings.Repeat("#.", 3)+"##.###", "............")
	var l Labeler
	l.Label(pix, w, h, true, Eight)
	got := l.Largest(nil, 3)
	// Sizes in label order: 1, 1, 1, 2, 3 -> largest 3 (index 4), 2 (3),
	// then the first of the ties (0).
	if !slices.Equal(got, []int{4, 3, 0}) {
		t.Errorf("Largest = %v", got)
	}
	if got := l.Largest(nil, 10); len(got) != 5 {
		t.Errorf("Largest(10) = %v", got)
	}
}

func TestZeroAllocs(t *testing.T) {
	pix, w, h := parse("#.#.#", ".#.#.", "#.#.#")
	var l Labeler
	keep := make([]int, 0, 2)
	l.Label(pix, w, h, true, Four)
	if a := testing.AllocsPerRun(10, func() {
		l.Label(pix, w, h, true, Four)
		keep = l.Largest(keep, 2)
	}); a != 0 {
		t.Errorf("%v allocs", a)
	}
}
