package htmlreport

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Plot geometry of a histogram, in SVG user units (CSS pixels at 1:1).
const (
	plotW, plotH                       = 370, 230
	marginL, marginR, marginT, marginB = 48, 14, 12, 42
)

// svgHistogram draws h as an inline SVG bar chart: bars with tooltips, the
// median as a dashed line, axes with a few ticks. It needs no script and no
// external resource.
func svgHistogram(h histogram) template.HTML {
	var b strings.Builder
	w, ht := float64(plotW-marginL-marginR), float64(plotH-marginT-marginB)
	maxCount := 1
	for _, c := range h.Bins {
		maxCount = max(maxCount, c)
	}
	x := func(v float64) float64 { return marginL + (v-h.Lo)/(h.Hi-h.Lo)*w }
	y := func(c int) float64 { return marginT + ht - float64(c)/float64(maxCount)*ht }
	fmt.Fprintf(&b, `<svg class="hist" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		plotW, plotH, plotW, plotH, template.HTMLEscapeString(h.Title))
	bw := w / float64(len(h.Bins))
	for i, c := range h.Bins {
		if c == 0 {
			continue
		}
		lo := h.Lo + float64(i)*(h.Hi-h.Lo)/float64(len(h.Bins))
		hi := lo + (h.Hi-h.Lo)/float64(len(h.Bins))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4a78b5"><title>%s to %s: %d</title></rect>`,
			marginL+float64(i)*bw+0.5, y(c), bw-1, marginT+ht-y(c), num(lo), num(hi), c)
	}
	if h.N > 0 && h.Median >= h.Lo && h.Median <= h.Hi {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="4 3"><title>median %s</title></line>`,
			x(h.Median), marginT, x(h.Median), marginT+ht, num(h.Median))
	}
	// Axes.
	fmt.Fprintf(&b, `<path d="M%d %d V%.1f H%.1f" fill="none" stroke="#333"/>`, marginL, marginT, marginT+ht, marginL+w)
	for i := 0; i <= 5; i++ {
		v := h.Lo + float64(i)*(h.Hi-h.Lo)/5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`,
			x(v), marginT+ht, x(v), marginT+ht+4, x(v), marginT+ht+16, num(v))
	}
	for _, c := range []int{0, maxCount / 2, maxCount} {
		if c == maxCount/2 && (c == 0 || c == maxCount) {
			continue
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#333"/><text x="%d" y="%.1f" text-anchor="end">%d</text>`,
			marginL-4, y(c), marginL, y(c), marginL-6, y(c)+4, c)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, marginL+w/2, plotH-6, template.HTMLEscapeString(h.Unit))
	fmt.Fprintf(&b, `<text x="12" y="%.1f" text-anchor="middle" transform="rotate(-90 12 %.1f)">images</text>`, marginT+ht/2, marginT+ht/2)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// num formats an axis, caption or tooltip value compactly; "n/a" for NaN
// (a ratio with no right lung, say).
func num(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
