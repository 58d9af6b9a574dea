package cli

import (
	"fmt"

	"github.com/cxlseg/cxlseg/internal/sections/sectioned"
)

// runSections writes mimic_cxr_sectioned.csv from MIMIC-CXR report files
// (a folder or mimic-cxr-reports.zip) or from a CSV column of texts.
func runSections(env *Env, args []string) error {
	fs := newFlags(env, "sections", "--reports DIR|ZIP | --csv FILE --text-column NAME [--out FILE]")
	reports := fs.String("reports", "", "MIMIC-CXR reports: a folder holding files/pXX/pSUBJECT/sSTUDY.txt, or mimic-cxr-reports.zip")
	csvIn := fs.String("csv", "", "instead of --reports: a CSV (plain or .gz) with one report text per row")
	textCol := fs.String("text-column", "report", "with --csv: the column holding the report text")
	idCol := fs.String("id-column", "", "with --csv: the column written as study (default: the first column)")
	out := fs.String("out", "mimic_cxr_sectioned.csv", "output CSV (study, impression, findings, last_paragraph, comparison)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var src sectioned.Source
	switch {
	case *reports != "" && *csvIn != "":
		return fmt.Errorf("%w: give --reports or --csv, not both", errUsage)
	case *reports != "":
		src = func(v sectioned.VisitFunc) error { return sectioned.Walk(*reports, v) }
	case *csvIn != "":
		src = func(v sectioned.VisitFunc) error { return sectioned.WalkCSV(*csvIn, *idCol, *textCol, v) }
	default:
		return fmt.Errorf("%w: --reports or --csv is required", errUsage)
	}
	// Stop cleanly on Ctrl-C; the partial output is never renamed into place.
	cancellable := func(v sectioned.VisitFunc) error {
		return src(func(study, where string, text []byte) error {
			if err := env.Ctx.Err(); err != nil {
				return err
			}
			return v(study, where, text)
		})
	}
	sum, err := sectioned.ConvertFile(*out, cancellable, env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d reports (%d impression, %d findings only, %d last paragraph, %d with no text); %d skipped (not UTF-8)\n",
		*out, sum.Reports, sum.Impression, sum.FindingsOnly, sum.LastParagraph, sum.Empty, sum.SkippedUTF8)
	return nil
}
