package sections

import (
	"regexp"
	"slices"
	"testing"
)

// pySpaceClass is the set of characters Python's \s matches in a str
// pattern.
const pySpaceClass = `\t\n\v\f\r \x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// headerRE is MIT-LCP's header pattern, the reference for findHeader.
var headerRE = regexp.MustCompile(`\n ([A-Z ()/,-]+):[` + pySpaceClass + `]`)

// referenceHeaders lists the matches of headerRE with MIT-LCP's resume
// rule, as (start, nameStart, nameEnd, end).
func referenceHeaders(text string) []headerLoc {
	var out []headerLoc
	from := 0
	for from <= len(text) {
		m := headerRE.FindStringSubmatchIndex(text[from:])
		if m == nil {
			break
		}
		h := headerLoc{start: m[0] + from, nameStart: m[2] + from, nameEnd: m[3] + from, end: m[1] + from}
		out = append(out, h)
		from = h.end
	}
	return out
}

func scannedHeaders(text string) []headerLoc {
	var out []headerLoc
	from := 0
	for {
		h, ok := findHeader(text, from)
		if !ok {
			return out
		}
		out = append(out, h)
		from = h.end
	}
}

func TestFindHeaderMatchesRegexp(t *testing.T) {
	tests := []string{
		"", "\n", "\n X:", "\n X: ", "\n X:\n", "\n X:\u00a0", "\n X:\xff", "\n :x", "\n  : ",
		"\n IMPRESSION: ok\n FINDINGS:\tx", "\n\n IMPRESSION: a", " IMPRESSION: at start", "\n impression: lower",
		"\n PA AND LATERAL (2) VIEWS, CHEST-X/Y: z", "\n A:B: c", "\n AB\n CD: e", "\n X:\u3000", "\n X:\u2029",
	}
	for _, text := range tests {
		if got, want := scannedHeaders(text), referenceHeaders(text); !slices.Equal(got, want) {
			t.Errorf("%q: scanner %v, regexp %v", text, got, want)
		}
	}
}

// FuzzFindHeader compares the hand-written scanner with MIT-LCP's
// regexp on arbitrary text.
func FuzzFindHeader(f *testing.F) {
	f.Add("\n IMPRESSION: ok\n FINDINGS:\tx")
	f.Add("\n X:\u00a0\n Y:\xff")
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := scannedHeaders(text), referenceHeaders(text); !slices.Equal(got, want) {
			t.Fatalf("%q: scanner %v, regexp %v", text, got, want)
		}
	})
}
