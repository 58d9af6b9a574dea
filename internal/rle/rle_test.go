package rle

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestEncodeGolden(t *testing.T) {
	// A 3x4 mask (3 rows, 4 columns), row-major:
	//   . X X .
	//   . . . X
	//   X . . .
	// Runs (1-based): pixels 2-3, then 8-9 (row 1's last, row 2's first).
	pix := []byte{0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 0}
	for _, c := range []struct {
		name string
		pix  []byte
		want string
	}{
		{"two runs, one across a row end", pix, "2 2 8 2"},
		{"empty", make([]byte, 6), ""},
		{"full", []byte{255, 255, 255}, "1 3"},
		{"JPEG-like values", []byte{3, 130, 250, 127, 128}, "2 2 5 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(Encode(nil, c.pix)); got != c.want {
				t.Fatalf("Encode = %q, want %q", got, c.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		w, h := 1+r.IntN(40), 1+r.IntN(40)
		pix := make([]byte, w*h)
		p := r.Float64()
		for i := range pix {
			// Runs of random length, so long runs and single pixels occur.
			if i == 0 || r.Float64() < 0.2 {
				if r.Float64() < p {
					pix[i] = 255
				}
			} else {
				pix[i] = pix[i-1]
			}
		}
		s := Encode(nil, pix)
		got := make([]byte, w*h)
		if err := Decode(got, string(s), h, w); err != nil {
			t.Fatalf("trial %d: Decode(%q): %v", trial, s, err)
		}
		if !bytes.Equal(got, pix) {
			t.Fatalf("trial %d: round trip of a %dx%d mask differs", trial, w, h)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct{ counts, want string }{
		{"1", "odd number"},
		{"1 2 5", "odd number"},
		{"0 2", "1-based"},
		{"3 0", "length 0"},
		{"5 2 3 1", "runs must increase"},
		{"4 2 5 1", "runs must increase"},
		{"11 3", "ends past"},
		{"a 2", "not a number"},
		{"1 -2", "not a number"},
		{"1,2", "not a number"},
		{"1 2x", "not a number"},
		{"1 9999999999999", "too large"},
	} {
		err := Decode(make([]byte, 12), c.counts, 3, 4)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", c.counts, err, c.want)
		}
	}
	if err := Decode(make([]byte, 11), "", 3, 4); err == nil {
		t.Error("a buffer of the wrong size was accepted")
	}
}

func TestDecodeAcceptsAdjacentRunsAndSpaces(t *testing.T) {
	got := make([]byte, 6)
	if err := Decode(got, "  1 2  3 1 ", 2, 3); err != nil {
		t.Fatal(err)
	}
	if want := []byte{255, 255, 255, 0, 0, 0}; !bytes.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "1 2", "2 2 8 2", "1 3 5 1", "0 1", "1", "12 1"} {
		f.Add(s, 3, 4)
	}
	f.Fuzz(func(t *testing.T, counts string, h, w int) {
		if h < 0 || w < 0 || h > 64 || w > 64 {
			return
		}
		pix := make([]byte, h*w)
		if err := Decode(pix, counts, h, w); err != nil {
			return
		}
		// Whatever decodes re-encodes to a string that decodes the same.
		again := make([]byte, h*w)
		s := Encode(nil, pix)
		if err := Decode(again, string(s), h, w); err != nil || !bytes.Equal(pix, again) {
			t.Fatalf("re-encoding %q as %q: %v", counts, s, err)
		}
	})
}
