package sections

import "strings"

// LineWidth is the longest line, leading space included, in MIMIC-CXR's
// report files.
const LineWidth = 79

// titleIndent is the number of spaces before the centred "FINAL REPORT".
const titleIndent = 33

// Format writes a report in MIMIC-CXR's file layout: the title centred
// on the first line ("FINAL REPORT" when title is ""), then each section
// as " HEADER:  text" with every line indented by one space, wrapped at
// LineWidth, and sections separated by a line holding one space.
// Impression and findings use MIMIC's block style (header alone on its
// line, a blank line, then the text). A section with an empty Header is
// written as plain paragraphs. A blank line ("\n\n") inside Text starts a
// new paragraph. The result ends with a newline.
//
// Format is the inverse of Extract for well-formed input: tests and the
// sample tree use it to make realistic report files.
func Format(title string, secs []Section) string {
	if title == "" {
		title = "FINAL REPORT"
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", titleIndent))
	b.WriteString(title)
	b.WriteByte('\n')
	for i, s := range secs {
		if i > 0 {
			b.WriteString(" \n")
		}
		paras := splitParagraphs(s.Text)
		switch {
		case s.Header == "":
			writeParagraphs(&b, "", paras)
		case s.Name == NameImpression || s.Name == NameFindings:
			b.WriteString(" " + s.Header + ": \n")
			if len(paras) > 0 {
				b.WriteString(" \n")
			}
			writeParagraphs(&b, "", paras)
		default:
			writeParagraphs(&b, s.Header+":  ", paras)
			if len(paras) == 0 {
				b.WriteString(" " + s.Header + ": \n")
			}
		}
	}
	return b.String()
}

// splitParagraphs cuts text at blank lines and normalises the whitespace
// of each paragraph, dropping empty ones.
func splitParagraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = normaliseSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeParagraphs writes paragraphs separated by blank lines; lead (a
// header) starts the first one.
func writeParagraphs(b *strings.Builder, lead string, paras []string) {
	for i, p := range paras {
		if i > 0 {
			b.WriteString(" \n")
			lead = ""
		}
		wrap(b, lead+p)
	}
}

// wrap writes text as lines of at most LineWidth bytes, each starting
// with one space, breaking at spaces; a word longer than a line gets a
// line of its own. Runs of two spaces (after a header) are kept.
func wrap(b *strings.Builder, text string) {
	line := 1
	b.WriteByte(' ')
	for len(text) > 0 {
		// Next word with the spaces that precede it.
		sp := 0
		for sp < len(text) && text[sp] == ' ' {
			sp++
		}
		end := sp
		for end < len(text) && text[end] != ' ' {
			end++
		}
		word := text[sp:end]
		text = text[end:]
		if word == "" {
			break
		}
		if line > 1 && line+sp+len(word) > LineWidth {
			b.WriteString("\n ")
			line = 1
			sp = 0
		}
		if line == 1 {
			sp = 0
		}
		b.WriteString(strings.Repeat(" ", sp))
		b.WriteString(word)
		line += sp + len(word)
	}
	b.WriteByte('\n')
}
