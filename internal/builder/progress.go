package builder

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports how far the build is: a redrawn bar with rate and ETA
// on a terminal, a plain line every interval otherwise (logs of batch
// jobs). It is driven by the collector goroutine only.
type progress struct {
	w        io.Writer
	tty      bool
	total    int
	done     int
	skipped  int // done in an earlier run: not counted in the rate
	start    time.Time
	last     time.Time
	interval time.Duration
	label    string
}

// isTerminal reports whether w is a character device (a terminal), without
// pulling in a terminal library.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, label string, total int, now time.Time) *progress {
	p := &progress{w: w, tty: isTerminal(w), total: total, start: now, last: now, label: label, interval: 10 * time.Second}
	if p.tty {
		p.interval = 200 * time.Millisecond
	}
	return p
}

// add counts n finished images (skipped of them already done by an
// earlier run) and redraws when due.
func (p *progress) add(n, skipped int, now time.Time) {
	p.done += n
	p.skipped += skipped
	if now.Sub(p.last) >= p.interval {
		p.last = now
		p.draw(now, false)
	}
}

// finish draws the final state.
func (p *progress) finish(now time.Time) { p.draw(now, true) }

func (p *progress) draw(now time.Time, final bool) {
	if p.w == nil {
		return
	}
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.done-p.skipped) / el
	}
	eta := "?"
	if rate > 0 && p.total >= p.done {
		eta = fmtDuration(time.Duration(float64(p.total-p.done) / rate * float64(time.Second)))
	}
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %d/%d images (%.1f%%), %.1f img/s, elapsed %s, ETA %s\n",
			p.label, p.done, p.total, pct, rate, fmtDuration(now.Sub(p.start)), eta)
		return
	}
	const width = 30
	fill := int(pct / 100 * width)
	fill = max(0, min(width, fill))
	end := ""
	if final {
		end = "\n"
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %5.1f%% %.1f img/s ETA %s \x1b[K%s",
		p.label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), p.done, p.total, pct, rate, eta, end)
}

// fmtDuration prints d as h:mm:ss.
func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
