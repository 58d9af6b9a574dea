package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/label"
	"github.com/cxlseg/cxlseg/internal/sections"
	"github.com/cxlseg/cxlseg/internal/sections/sectioned"
)

// runLabel labels report texts with the built-in labeler (package label).
func runLabel(env *Env, args []string) error {
	fs := newFlags(env, "label", "--reports DIR|ZIP | --csv FILE [--text-column Reports] [--out labels.csv] | --eval-iu iu-xray-dev.csv")
	reports := fs.String("reports", "", "MIMIC-CXR reports to label: a folder holding files/pXX/pSUBJECT/sSTUDY.txt, or mimic-cxr-reports.zip")
	in := fs.String("csv", "", "CSV of report texts to label (e.g. CXLSeg-metadata.csv or a report export)")
	textCol := fs.String("text-column", "Reports", "column holding the report text")
	idCols := fs.String("id-columns", "", "comma-separated columns copied to the output (default: dicom_id, subject_id, study_id, study or uid, those present)")
	section := fs.String("section", "", "text to label: full (as given), chosen (impression > findings > last_paragraph > comparison), impression or findings (default: chosen for --reports, full for --csv)")
	modeName := fs.String("mode", "chexpert", "how uncertain and negative mentions combine: chexpert (-1.0) or negbio (0.0)")
	strictNF := fs.Bool("chexpert-no-finding", false, "No Finding as the CheXpert labeler sets it (ignores findings outside the 14 labels)")
	out := fs.String("out", "", "output CSV (default: standard output)")
	evalIU := fs.String("eval-iu", "", "evaluate on the IU X-ray CSV with MeSH labels and print the table")
	iuPart := fs.String("iu-part", label.IUAll, "with --eval-iu: all, dev (the reports the rules are tuned on) or heldout (about 30 %, by a hash of uid)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	mode, err := label.ParseMode(*modeName)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	l := label.NewWithOptions(mode, label.Options{CheXpertNoFinding: *strictNF})
	if *evalIU != "" {
		f, err := os.Open(*evalIU)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := label.EvaluateIU(f, *evalIU, l, false, *iuPart)
		if err != nil {
			return err
		}
		return res.WriteTable(env.Stdout)
	}
	if (*in == "") == (*reports == "") {
		return fmt.Errorf("%w: give one of --reports, --csv or --eval-iu", errUsage)
	}
	if *section == "" {
		*section = "full"
		if *reports != "" {
			*section = "chosen"
		}
	}
	sel, err := sectionSelector(*section)
	if err != nil {
		return err
	}
	if *reports != "" {
		return labelReports(env, l, *reports, sel, *out)
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	ids, err := idColumns(*in, *idCols)
	if err != nil {
		return err
	}
	opt := label.CSVOptions{TextColumn: *textCol, IDColumns: ids, Select: sel}
	if *out == "" {
		_, err := l.LabelCSV(f, *in, env.Stdout, opt)
		return err
	}
	return writeFileAtomic(*out, func(w io.Writer) error {
		n, err := l.LabelCSV(f, *in, w, opt)
		if err == nil {
			fmt.Fprintf(env.Stderr, "labelled %d reports into %s\n", n, *out)
		}
		return err
	})
}

// labelReports labels every report file of a MIMIC-CXR reports folder or
// zip, in the deterministic order of package sectioned, into a CSV with the
// study and the 14 labels.
func labelReports(env *Env, l *label.Labeler, path string, sel func(string) string, out string) error {
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(append([]string{"study"}, chexpert.Alphabetical[:]...)); err != nil {
			return err
		}
		n := 0
		err := sectioned.Walk(path, func(study, where string, text []byte) error {
			if err := env.Ctx.Err(); err != nil {
				return err
			}
			t := string(text)
			if sel != nil {
				t = sel(t)
			}
			v := l.Label(t)
			n++
			return cw.Write(append([]string{study}, v[:]...))
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err == nil && out != "" {
			fmt.Fprintf(env.Stderr, "labelled %d reports into %s\n", n, out)
		}
		return err
	}
	if out == "" {
		return write(env.Stdout)
	}
	return writeFileAtomic(out, write)
}

// sectionSelector returns the function that picks the text to label.
func sectionSelector(name string) (func(string) string, error) {
	switch name {
	case "full":
		return nil, nil
	case "chosen":
		return func(s string) string { return sections.Extract(s).Chosen() }, nil
	case "impression":
		return func(s string) string { return sections.Extract(s).Impression }, nil
	case "findings":
		return func(s string) string { return sections.Extract(s).Findings }, nil
	}
	return nil, fmt.Errorf("%w: unknown --section %q", errUsage, name)
}

// idColumns returns the explicit id columns, or those of the usual id names
// present in the CSV's header.
func idColumns(path, explicit string) ([]string, error) {
	if explicit != "" {
		return strings.Split(explicit, ","), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head, err := readHeader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var ids []string
	for _, want := range []string{"dicom_id", "subject_id", "study_id", "study", "uid"} {
		for _, h := range head {
			if h == want {
				ids = append(ids, h)
			}
		}
	}
	return ids, nil
}
