package sections

import (
	"strings"
	"unicode/utf8"
)

// Section is one section of a report.
type Section struct {
	// Name is the normalised section name (see names.go), e.g.
	// "impression"; "last_paragraph" for the split-off final paragraph.
	Name string
	// Header is the header as written, without the colon ("" for
	// last_paragraph and "full report").
	Header string
	// Text is the section's text with whitespace normalised.
	Text string
}

// Sections is a report split into sections.
type Sections struct {
	// Preamble is the (whitespace-normalised) text before the first
	// header, typically "FINAL REPORT".
	Preamble string
	// Sections lists the sections after the preamble in report order,
	// empty impression/findings sections removed.
	Sections []Section
	// Impression, Findings, LastParagraph and Comparison hold the text of
	// the last section of that name, "" when there is none: the columns
	// of mimic_cxr_sectioned.csv.
	Impression    string
	Findings      string
	LastParagraph string
	Comparison    string
}

// Chosen returns the one text per study that MIMIC-derived datasets use:
// the first non-empty of impression, findings, last_paragraph and
// comparison, or "" when all are empty.
func (s Sections) Chosen() string {
	for _, t := range [...]string{s.Impression, s.Findings, s.LastParagraph, s.Comparison} {
		if t != "" {
			return t
		}
	}
	return ""
}

// headerLoc is one header found by findHeader: text[start:end] is the
// whole match ("\n HEADER: "), text[nameStart:nameEnd] the header name.
type headerLoc struct {
	start, nameStart, nameEnd, end int
}

// isHeaderByte reports whether c may appear in a header name: MIT-LCP's
// character class [A-Z ()/,-].
func isHeaderByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c == ' ' || c == '(' || c == ')' || c == '/' || c == ',' || c == '-'
}

// findHeader returns the leftmost match at or after from of MIT-LCP's
// header pattern `\n ([A-Z ()/,-]+):\s` (Python's \s: any Unicode
// whitespace). It scans by hand rather than with regexp, about ten times
// faster; the name run cannot contain ':', so the greedy run followed by
// ':' is the only possible match at a position, as with the regexp.
func findHeader(text string, from int) (headerLoc, bool) {
	for i := from; i < len(text); i++ {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(text) || text[i+1] != ' ' {
			continue
		}
		k := i + 2
		for k < len(text) && isHeaderByte(text[k]) {
			k++
		}
		if k == i+2 || k >= len(text) || text[k] != ':' {
			continue
		}
		r, size := utf8.DecodeRuneInString(text[k+1:])
		if size == 0 || r == utf8.RuneError && size == 1 || !isPySpace(r) {
			continue
		}
		return headerLoc{start: i, nameStart: i + 2, nameEnd: k, end: k + 1 + size}, true
	}
	return headerLoc{}, false
}

// blankLine separates paragraphs in MIMIC's layout, where every line,
// including an empty one, starts with a space.
const blankLine = "\n \n"

// rawSection is a section before whitespace normalisation.
type rawSection struct {
	name, header, text string
}

// Extract splits a report into sections. It never fails: text without
// headers is one "full report" section, and invalid UTF-8 is handled as
// replacement characters.
func Extract(text string) Sections {
	secs := split(text)
	secs = dropEmptyMain(secs)
	if !hasName(secs, NameImpression) && !hasName(secs, NameFindings) && len(secs) > 0 {
		last := &secs[len(secs)-1]
		if i := strings.Index(last.text, blankLine); i >= 0 {
			rest := last.text[i+len(blankLine):]
			last.text = last.text[:i]
			secs = append(secs, rawSection{name: NameLastParagraph, text: rest})
		}
	}
	var out Sections
	for i, s := range secs {
		t := normaliseSpace(s.text)
		if i == 0 && s.name == "preamble" && s.header == "" {
			out.Preamble = t
			continue
		}
		out.Sections = append(out.Sections, Section{Name: s.name, Header: s.header, Text: t})
		switch s.name {
		case NameImpression:
			out.Impression = t
		case NameFindings:
			out.Findings = t
		case NameLastParagraph:
			out.LastParagraph = t
		case NameComparison:
			out.Comparison = t
		}
	}
	return out
}

// split finds the headers and cuts the text at them (section_text in
// MIT-LCP's section_parser.py). The first element is the preamble when
// any header was found.
func split(text string) []rawSection {
	m, ok := findHeader(text, 0)
	if !ok {
		return []rawSection{{name: NameFullReport, text: text}}
	}
	secs := []rawSection{{name: "preamble", text: text[:m.nameStart]}}
	for ok {
		header := text[m.nameStart:m.nameEnd]
		start := m.end
		// Resume the search after the first line of the section's text.
		skip := strings.IndexByte(text[start:], '\n')
		if skip < 0 {
			skip = 0
		}
		end := len(text)
		next, found := findHeader(text, start+skip)
		if found {
			end = next.start
		}
		secs = append(secs, rawSection{name: normaliseName(header), header: trimPySpace(header), text: text[start:end]})
		m, ok = next, found
	}
	return secs
}

// dropEmptyMain removes impression and findings sections whose text is
// only whitespace.
func dropEmptyMain(secs []rawSection) []rawSection {
	out := secs[:0]
	for _, s := range secs {
		if (s.name == NameImpression || s.name == NameFindings) && trimPySpace(s.text) == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func hasName(secs []rawSection, name string) bool {
	for _, s := range secs {
		if s.name == name {
			return true
		}
	}
	return false
}

// isPySpace reports whether r is whitespace to Python's str.isspace.
func isPySpace(r rune) bool {
	switch {
	case r == ' ', r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x1f:
		return true
	case r < 0x85:
		return false
	case r == 0x85, r == 0xa0, r == 0x1680, r >= 0x2000 && r <= 0x200a,
		r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

func trimPySpace(s string) string { return strings.TrimFunc(s, isPySpace) }

// normaliseSpace trims s and collapses every run of whitespace (line
// wraps, MIMIC's leading spaces, blank lines) to one space. Invalid UTF-8
// bytes are kept as they are.
func normaliseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && isPySpace(r) {
			pending = b.Len() > 0
			i += size
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}
