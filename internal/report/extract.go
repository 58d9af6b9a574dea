package report

import (
	"regexp"
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

// pySpace is the set of characters Python's \s and str.strip() treat as
// whitespace, so header detection matches MIT-LCP's on any input.
const pySpace = `\t\n\v\f\r \x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// headerRE is MIT-LCP's section header pattern.
var headerRE = regexp.MustCompile(`\n ([A-Z ()/,-]+):[` + pySpace + `]`)

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
	m := headerRE.FindStringSubmatchIndex(text)
	if m == nil {
		return []rawSection{{name: NameFullReport, text: text}}
	}
	secs := []rawSection{{name: "preamble", text: text[:m[2]]}}
	for m != nil {
		header := text[m[2]:m[3]]
		start := m[1]
		// Resume the search after the first line of the section's text.
		skip := strings.IndexByte(text[start:], '\n')
		if skip < 0 {
			skip = 0
		}
		end := len(text)
		next := headerRE.FindStringSubmatchIndex(text[start+skip:])
		if next != nil {
			for k := range next {
				next[k] += start + skip
			}
			end = next[0]
		}
		secs = append(secs, rawSection{name: normaliseName(header), header: trimPySpace(header), text: text[start:end]})
		m = next
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
