package sections

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract checks that Extract never panics and that its result keeps
// its invariants on any input. Seeds are in testdata/fuzz/FuzzExtract.
func FuzzExtract(f *testing.F) {
	f.Add(" FINAL REPORT\n IMPRESSION:  ok\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		s := Extract(text)
		c := s.Chosen()
		if c != s.Impression && c != s.Findings && c != s.LastParagraph && c != s.Comparison {
			t.Fatalf("Chosen %q is none of the fields", c)
		}
		if s.Impression != "" && c != s.Impression {
			t.Fatalf("impression present but %q chosen", c)
		}
		for _, sec := range s.Sections {
			if sec.Name == "" {
				t.Fatalf("unnamed section in %+v", s)
			}
			if (sec.Name == NameImpression || sec.Name == NameFindings) && sec.Text == "" {
				t.Fatalf("empty %s kept", sec.Name)
			}
			if utf8.ValidString(sec.Text) && (strings.Contains(sec.Text, "  ") || strings.ContainsAny(sec.Text, "\n\t") ||
				strings.TrimFunc(sec.Text, isPySpace) != sec.Text) {
				t.Fatalf("whitespace not normalised: %q", sec.Text)
			}
		}
		// Extraction is a function of the text alone.
		if again := Extract(text); again.Chosen() != c || len(again.Sections) != len(s.Sections) {
			t.Fatal("Extract not deterministic")
		}
	})
}

// FuzzFormatRoundTrip checks that findings and impression written by
// Format come back from Extract, for texts without header-like lines.
func FuzzFormatRoundTrip(f *testing.F) {
	f.Add("Lungs are clear.", "No acute process.")
	f.Add("", "1.  Small effusion.\n\n2.  Atelectasis.")
	f.Fuzz(func(t *testing.T, findings, impression string) {
		if !utf8.ValidString(findings + impression) {
			t.Skip()
		}
		// Text that holds a capitalised word and a colon may wrap onto
		// a line start and read as a header, in MIMIC as here.
		if strings.ContainsRune(findings+impression, ':') {
			t.Skip()
		}
		var secs []Section
		if strings.TrimFunc(findings, isPySpace) != "" {
			secs = append(secs, Section{Name: NameFindings, Header: "FINDINGS", Text: findings})
		}
		if strings.TrimFunc(impression, isPySpace) != "" {
			secs = append(secs, Section{Name: NameImpression, Header: "IMPRESSION", Text: impression})
		}
		got := Extract(Format("", secs))
		if want := normaliseSpace(impression); got.Impression != want {
			t.Fatalf("impression: got %q, want %q", got.Impression, want)
		}
		if want := normaliseSpace(findings); got.Findings != want {
			t.Fatalf("findings: got %q, want %q", got.Findings, want)
		}
	})
}
