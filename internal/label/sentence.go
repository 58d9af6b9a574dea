package label

import (
	"strings"
	"unicode"
)

// sentences splits a report into lower-case sentences of word tokens.
func sentences(text string) [][]string {
	text = strings.ToLower(text)
	var out [][]string
	var cur []string
	var word strings.Builder
	flushWord := func() {
		if word.Len() > 0 {
			cur = append(cur, word.String())
			word.Reset()
		}
	}
	flushSentence := func() {
		flushWord()
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			word.WriteRune(r)
		case r == '.':
			// A decimal point ("2.5") stays inside the word; a list number
			// ("1.") at the start of a sentence is dropped with the period.
			if word.Len() > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && isNumber(word.String()) {
				word.WriteRune(r)
				continue
			}
			if word.Len() > 0 && len(cur) == 0 && isNumber(word.String()) {
				word.Reset()
				continue
			}
			flushSentence()
		case r == '?':
			// A question mark is itself an uncertainty cue ("pneumonia?").
			flushWord()
			cur = append(cur, "?")
			flushSentence()
		case r == '!' || r == ';':
			flushSentence()
		case r == '\n':
			flushWord()
			// A blank line ends a sentence.
			if i+1 < len(rs) && nextLineBlank(rs[i+1:]) {
				flushSentence()
			}
		case r == ',' || r == ':':
			flushWord()
			cur = append(cur, string(r))
		default:
			flushWord()
		}
	}
	flushSentence()
	return out
}

// nextLineBlank reports whether the text after a newline starts with an
// empty line (only spaces before the next newline or the end).
func nextLineBlank(rs []rune) bool {
	for _, r := range rs {
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' {
			return false
		}
	}
	return s != ""
}
