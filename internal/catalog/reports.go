package catalog

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/cxlseg/cxlseg/internal/label"
	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/sections"
)

// reportWorkers bounds the goroutines reading and sectioning reports:
// the work is CPU-bound (decompression, section extraction) and the
// machine's cores are shared with the rest of the build.
const reportWorkers = 8

// studyResult is the outcome of one study's report.
type studyResult struct {
	text, reason, detail string
	labels               []string // with LabelsBuiltin
}

// attachReports reads each selected study's report once, sets the Reports
// text of its images, and moves the images of studies without a usable
// report to the exclusions. Records must be sorted (a study's images are
// adjacent). Reports are read in parallel; results are applied in record
// order, so the outcome does not depend on scheduling.
func (c *Catalog) attachReports(ctx context.Context, src mimic.ReportSource, opt Options) error {
	var starts []int // index of each study's first record
	for i := range c.Records {
		if i == 0 || c.Records[i].Study != c.Records[i-1].Study || c.Records[i].Subject != c.Records[i-1].Subject {
			starts = append(starts, i)
		}
	}
	results := make([]studyResult, len(starts))
	var labeler *label.Labeler
	if opt.Labels == LabelsBuiltin {
		labeler = label.New(label.ModeCheXpert) // safe for concurrent use
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(reportWorkers, runtime.GOMAXPROCS(0), len(starts)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				g := int(next.Add(1) - 1)
				if g >= len(starts) || ctx.Err() != nil {
					return
				}
				r := &c.Records[starts[g]]
				t, reason, detail := studyText(src, r.SubjectID, r.StudyID, opt)
				results[g] = studyResult{text: t, reason: reason, detail: detail}
				if labeler != nil && reason == "" {
					results[g].labels = builtinLabels(labeler, t, opt)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	kept := c.Records[:0]
	for g, start := range starts {
		end := len(c.Records)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		res := results[g]
		if res.reason == "" && res.detail != "" {
			c.Warnings = append(c.Warnings, res.detail)
		}
		for k := start; k < end; k++ {
			r := c.Records[k] // a copy: kept may overwrite c.Records[k] below
			if res.reason != "" {
				c.Exclusions = append(c.Exclusions, Exclusion{DicomID: r.DicomID, SubjectID: r.SubjectID, StudyID: r.StudyID, Reason: res.reason, Detail: res.detail})
				continue
			}
			r.Report = res.text
			if res.labels != nil {
				r.Labels = res.labels
			}
			kept = append(kept, r)
		}
	}
	// Clear the tail so dropped records' memory can be freed.
	clear(c.Records[len(kept):])
	c.Records = kept
	return nil
}

// studyText returns the Reports text for a study, or an exclusion reason
// and detail. With no reason, a non-empty detail is a warning.
func studyText(src mimic.ReportSource, subject, study string, opt Options) (text, reason, detail string) {
	raw, err := src.Report(subject, study)
	if err != nil {
		if errors.Is(err, mimic.ErrNotFound) {
			// Relative, so the CSV does not depend on where the reports are.
			rel, _ := mimic.ReportPath(subject, study)
			return "", ReasonNoReport, "no report " + rel
		}
		return "", ReasonReportUnreadable, err.Error()
	}
	var warn string
	if !utf8.Valid(raw) {
		off := invalidOffset(raw)
		if opt.NonUTF8 != NonUTF8Latin1 {
			return "", ReasonReportNotUTF8, fmt.Sprintf("report of study %s is not UTF-8 (byte %d)", study, off)
		}
		raw = []byte(latin1(raw))
		warn = fmt.Sprintf("report of study %s is not UTF-8 (byte %d); decoded as Latin-1", study, off)
	}
	full := string(raw)
	if opt.ReportText == ReportFull {
		text = full
	} else {
		// A copy, so the text never pins the whole report in memory.
		text = strings.Clone(sections.Extract(full).Chosen())
	}
	if strings.TrimSpace(text) == "" {
		what := "chosen section"
		if opt.ReportText == ReportFull {
			what = "report"
		}
		return "", ReasonEmptyReport, fmt.Sprintf("%s of study %s is empty", what, study)
	}
	return text, "", warn
}

// invalidOffset returns the offset of the first byte that is not part of
// valid UTF-8.
func invalidOffset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// latin1 decodes ISO 8859-1: each byte is the code point of the same value.
func latin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// builtinLabels labels a study's chosen section (the CheXpert labeler's
// input on MIMIC), whatever text the Reports column holds.
func builtinLabels(l *label.Labeler, text string, opt Options) []string {
	if opt.ReportText == ReportFull {
		text = sections.Extract(text).Chosen()
	}
	v := l.Label(text)
	return v[:]
}
