// Package rle encodes binary masks as run-length strings in the
// convention of CheXmask (Gaggion et al., Scientific Data 2024), the
// largest public set of chest X-ray masks, so that code written for
// CheXmask reads cxlseg's masks unchanged:
//
//   - the mask is flattened in row-major order (C order: numpy's
//     mask.flatten(), undone by reshape((Height, Width)));
//   - the string is space-separated pairs "start length", one per run of
//     foreground pixels, in increasing order;
//   - start is 1-based: the first pixel of the image is 1;
//   - an empty mask is the empty string.
//
// CheXmask's decoder (get_mask_from_RLE) subtracts 1 from each start and
// sets mask[start:start+length] = 255 before reshaping to (Height, Width).
package rle

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mask is a run-length encoded mask with its size, the three values a
// CheXmask-style CSV row carries.
type Mask struct {
	Height, Width int
	// Counts is the "start length ..." string.
	Counts string
}

// Encode returns the runs of pix (w*h bytes, row-major, stride w) whose
// value is >= 128 (foreground: exact for 0/255 masks, and robust to JPEG
// ringing), appended to dst.
func Encode(dst []byte, pix []byte) []byte {
	first := true
	for i := 0; i < len(pix); {
		if pix[i] < 128 {
			i++
			continue
		}
		j := i + 1
		for j < len(pix) && pix[j] >= 128 {
			j++
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = strconv.AppendInt(dst, int64(i+1), 10)
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, int64(j-i), 10)
		i = j
	}
	return dst
}

// Decode fills pix (height*width bytes, row-major) with 255 on the runs of
// counts and 0 elsewhere. It rejects malformed strings: an odd number of
// values, non-numbers, starts below 1, zero lengths, runs that overlap,
// go backwards or leave the image.
func Decode(pix []byte, counts string, height, width int) error {
	if height < 0 || width < 0 || height*width != len(pix) {
		return fmt.Errorf("rle: %d pixels for a %dx%d mask", len(pix), width, height)
	}
	clear(pix)
	s := strings.TrimSpace(counts)
	if s == "" {
		return nil
	}
	n := len(pix)
	next := 0 // first pixel a run may start at (0-based)
	pair := 0
	for len(s) > 0 {
		start, rest, err := field(s)
		if err != nil {
			return fmt.Errorf("rle: run %d start: %w", pair+1, err)
		}
		if rest == "" {
			return fmt.Errorf("rle: run %d has a start (%d) but no length: odd number of values", pair+1, start)
		}
		length, rest2, err := field(rest)
		if err != nil {
			return fmt.Errorf("rle: run %d length: %w", pair+1, err)
		}
		switch {
		case start < 1:
			return fmt.Errorf("rle: run %d starts at %d: starts are 1-based", pair+1, start)
		case length < 1:
			return fmt.Errorf("rle: run %d has length %d", pair+1, length)
		case start-1 < next:
			return fmt.Errorf("rle: run %d starts at %d, before the end of the previous run (%d): runs must increase", pair+1, start, next)
		case start-1 > n-length:
			return fmt.Errorf("rle: run %d (%d+%d) ends past the %dx%d mask's %d pixels", pair+1, start, length, width, height, n)
		}
		b := pix[start-1 : start-1+length]
		for i := range b {
			b[i] = 255
		}
		next = start - 1 + length
		s = rest2
		pair++
	}
	return nil
}

// field parses the leading non-negative decimal of s (at most 12 digits,
// enough for any image) and returns it with the rest of s after the
// spaces that follow it.
func field(s string) (int, string, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, "", fmt.Errorf("%q is not a number", firstWord(s))
	}
	if i > 12 {
		return 0, "", errors.New("number too large")
	}
	if i < len(s) && s[i] != ' ' {
		return 0, "", fmt.Errorf("%q is not a number", firstWord(s))
	}
	v, _ := strconv.Atoi(s[:i])
	return v, strings.TrimLeft(s[i:], " "), nil
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = s[:20] + "..."
	}
	return s
}
