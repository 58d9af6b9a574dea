// Package plot draws simple line charts (training curves) as PNG images with
// the standard library alone: axes, "nice" ticks with labels, a legend and a
// title, text in a built-in 5x7 bitmap font.
package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
)

// Series is one line of a chart. X and Y have equal length; NaN values are
// skipped (the line breaks there).
type Series struct {
	Name  string
	X, Y  []float64
	Color color.RGBA
}

// Chart is one panel: a title, axis labels and its lines.
type Chart struct {
	Title, XLabel, YLabel string
	Series                []Series
}

// Palette holds distinguishable line colours, in order of use.
var Palette = [...]color.RGBA{
	{31, 119, 180, 255}, {214, 39, 40, 255}, {44, 160, 44, 255}, {255, 127, 14, 255}, {148, 103, 189, 255},
}

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{0, 0, 0, 255}
	grey  = color.RGBA{225, 225, 225, 255}
)

const scale = 2 // font pixels to image pixels

// Render draws charts side by side into a new w x h image.
func Render(w, h int, charts ...Chart) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), white)
	if len(charts) == 0 {
		return img
	}
	pw := w / len(charts)
	for i, c := range charts {
		c.draw(img, image.Rect(i*pw, 0, (i+1)*pw, h))
	}
	return img
}

// WritePNG renders the charts and writes them to path atomically (a temporary
// file in the same directory renamed over the target).
func WritePNG(path string, w, h int, charts ...Chart) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Render(w, h, charts...)); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf.Bytes(), 0o644)
}

// bounds returns the data range over all series, padded when flat.
func (c Chart) bounds() (x0, x1, y0, y1 float64, ok bool) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				continue
			}
			x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
			ok = true
		}
	}
	if !ok {
		return 0, 1, 0, 1, false
	}
	if x1 == x0 {
		x0, x1 = x0-1, x1+1
	}
	if y1 == y0 {
		d := math.Max(math.Abs(y0)*0.1, 0.1)
		y0, y1 = y0-d, y1+d
	}
	return x0, x1, y0, y1, true
}

func (c Chart) draw(img *image.RGBA, r image.Rectangle) {
	const th = glyphH * scale
	left, right, top, bottom := r.Min.X+3*th+8*glyphW*scale/2+10, r.Max.X-20, r.Min.Y+2*th, r.Max.Y-3*th
	drawText(img, (r.Min.X+r.Max.X-textWidth(c.Title, scale))/2, r.Min.Y+th/2, c.Title, scale, black)
	x0, x1, y0, y1, _ := c.bounds()
	xt, yt := ticks(x0, x1, 6), ticks(y0, y1, 6)
	if c.integerX() && len(xt) > 1 && xt[1]-xt[0] < 1 {
		xt = nil
		for v := math.Floor(x0); v <= math.Ceil(x1); v++ {
			xt = append(xt, v)
		}
	}
	// Widen the range to the outer ticks so the lines never touch the frame.
	x0, x1 = math.Min(x0, xt[0]), math.Max(x1, xt[len(xt)-1])
	y0, y1 = math.Min(y0, yt[0]), math.Max(y1, yt[len(yt)-1])
	px := func(x float64) int { return left + int(math.Round((x-x0)/(x1-x0)*float64(right-left))) }
	py := func(y float64) int { return bottom - int(math.Round((y-y0)/(y1-y0)*float64(bottom-top))) }
	for _, t := range yt {
		y := py(t)
		fill(img, image.Rect(left, y, right, y+1), grey)
		l := label(t, yt)
		drawText(img, left-8-textWidth(l, scale), y-th/2+scale, l, scale, black)
	}
	for _, t := range xt {
		x := px(t)
		fill(img, image.Rect(x, top, x+1, bottom), grey)
		fill(img, image.Rect(x, bottom, x+1, bottom+5), black)
		l := label(t, xt)
		drawText(img, x-textWidth(l, scale)/2, bottom+8, l, scale, black)
	}
	fill(img, image.Rect(left, top, right, top+1), black)
	fill(img, image.Rect(left, bottom, right+1, bottom+1), black)
	fill(img, image.Rect(left, top, left+1, bottom), black)
	fill(img, image.Rect(right, top, right+1, bottom), black)
	drawText(img, (left+right-textWidth(c.XLabel, scale))/2, bottom+8+th+4, c.XLabel, scale, black)
	drawTextUp(img, r.Min.X+6, (top+bottom+textWidth(c.YLabel, scale))/2, c.YLabel, scale, black)
	for i, s := range c.Series {
		col := s.Color
		if col.A == 0 {
			col = Palette[i%len(Palette)]
		}
		havePrev := false
		var qx, qy int
		for j := range min(len(s.X), len(s.Y)) {
			if math.IsNaN(s.X[j]) || math.IsNaN(s.Y[j]) {
				havePrev = false
				continue
			}
			x, y := px(s.X[j]), py(s.Y[j])
			if havePrev {
				line(img, qx, qy, x, y, col)
			}
			fill(img, image.Rect(x-2, y-2, x+3, y+3), col)
			qx, qy, havePrev = x, y, true
		}
	}
	// Legend inside the frame on a white box, one row per series: top
	// right, or bottom right when that hides fewer data points.
	legendH := len(c.Series)*(th+6) + 10
	legendW := 0
	for _, s := range c.Series {
		legendW = max(legendW, textWidth(s.Name, scale)+28+16)
	}
	topBox := image.Rect(right-12-legendW, top+4, right-4, top+4+legendH)
	botBox := image.Rect(right-12-legendW, bottom-4-legendH, right-4, bottom-4)
	hidden := func(box image.Rectangle) int {
		n := 0
		for _, s := range c.Series {
			for j := range min(len(s.X), len(s.Y)) {
				if !math.IsNaN(s.X[j]) && !math.IsNaN(s.Y[j]) && image.Pt(px(s.X[j]), py(s.Y[j])).In(box) {
					n++
				}
			}
		}
		return n
	}
	ly0 := top + 8
	if hidden(botBox) < hidden(topBox) {
		ly0 = botBox.Min.Y + 4
	}
	for i, s := range c.Series {
		col := s.Color
		if col.A == 0 {
			col = Palette[i%len(Palette)]
		}
		ly := ly0 + i*(th+6)
		lx := right - 12 - textWidth(s.Name, scale) - 28
		fill(img, image.Rect(lx-4, ly-3, right-4, ly+th+3), white)
		fill(img, image.Rect(lx, ly+th/2-2, lx+20, ly+th/2+1), col)
		drawText(img, lx+28, ly, s.Name, scale, black)
	}
}

// integerX reports whether every x value is a whole number (epochs), so
// fractional ticks would be meaningless.
func (c Chart) integerX() bool {
	for _, s := range c.Series {
		for _, x := range s.X {
			if !math.IsNaN(x) && x != math.Trunc(x) {
				return false
			}
		}
	}
	return true
}

// line draws a 2-pixel-wide segment (Bresenham).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		fill(img, image.Rect(x0, y0, x0+2, y0+2), c)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// ticks returns about n round tick values (1, 2 or 5 times a power of ten)
// covering [lo, hi].
func ticks(lo, hi float64, n int) []float64 {
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	var ts []float64
	// Decimals of the step, to snap tick values onto round decimals
	// (0.6, not 0.6000000000000001).
	dec := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	for k := 0; start+float64(k)*step <= hi+step*1e-9; k++ {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(start+float64(k)*step, 'f', dec, 64), 64)
		ts = append(ts, v)
	}
	if ts[len(ts)-1] < hi {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(ts[len(ts)-1]+step, 'f', dec, 64), 64)
		ts = append(ts, v)
	}
	return ts
}

// label formats a tick with as many decimals as the tick step needs.
func label(v float64, ts []float64) string {
	dec := 0
	if len(ts) > 1 {
		step := ts[1] - ts[0]
		dec = max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}
