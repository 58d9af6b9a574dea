package builder

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&b, "build 0/1", 100, t0)
	if p.tty {
		t.Fatal("a buffer is not a terminal")
	}
	p.add(10, 10, t0.Add(time.Second)) // resumed images: no line yet, not in the rate
	p.add(20, 0, t0.Add(10*time.Second))
	p.add(10, 0, t0.Add(15*time.Second))
	p.finish(t0.Add(20 * time.Second))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"build 0/1: 30/100 images (30.0%), 2.0 img/s, elapsed 0:00:10, ETA 0:00:35",
		"build 0/1: 40/100 images (40.0%), 1.5 img/s, elapsed 0:00:20, ETA 0:00:40",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %q", lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestFmtDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0:00:00", 61 * time.Second: "0:01:01", 7322 * time.Second: "2:02:02"} {
		if got := fmtDuration(d); got != want {
			t.Errorf("fmtDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
