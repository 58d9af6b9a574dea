package sectioned

import (
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/sections"
)

// header is the column list of mimic_cxr_sectioned.csv.
var header = []string{"study", "impression", "findings", "last_paragraph", "comparison"}

// Row returns the CSV record of one report.
func Row(study string, s sections.Sections) []string {
	return []string{study, s.Impression, s.Findings, s.LastParagraph, s.Comparison}
}

// Summary counts what a conversion did.
type Summary struct {
	Reports       int // reports written
	Impression    int // with an impression
	FindingsOnly  int // with findings and no impression
	LastParagraph int // with neither, but a last paragraph
	Empty         int // with no chosen text at all
	SkippedUTF8   int // skipped: not valid UTF-8
}

// Source walks a set of reports (Walk or WalkCSV bound to its input).
type Source func(visit VisitFunc) error

// Convert writes the sectioned CSV of every report of src to w. Reports
// that are not valid UTF-8 are skipped and named on warn (MIMIC's are
// ASCII; such a file is damaged), so one bad file does not stop a run.
func Convert(w io.Writer, src Source, warn io.Writer) (Summary, error) {
	var sum Summary
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return sum, err
	}
	err := src(func(study, where string, text []byte) error {
		if !utf8.Valid(text) {
			sum.SkippedUTF8++
			fmt.Fprintf(warn, "skip %s: not valid UTF-8 (line %d)\n", where, badLine(text))
			return nil
		}
		s := sections.Extract(string(text))
		sum.Reports++
		switch {
		case s.Impression != "":
			sum.Impression++
		case s.Findings != "":
			sum.FindingsOnly++
		case s.LastParagraph != "":
			sum.LastParagraph++
		}
		if s.Chosen() == "" {
			sum.Empty++
		}
		return cw.Write(Row(study, s))
	})
	if err != nil {
		return sum, err
	}
	cw.Flush()
	return sum, cw.Error()
}

// badLine returns the 1-based line of the first invalid UTF-8 byte.
func badLine(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}

// ConvertFile writes the sectioned CSV to path atomically: a temporary
// file in the same folder, renamed into place only when complete.
func ConvertFile(path string, src Source, warn io.Writer) (Summary, error) {
	var sum Summary
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		var err error
		sum, err = Convert(w, src, warn)
		return err
	})
	return sum, err
}
