package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"cxlseg/internal/mimic"
	"cxlseg/internal/report"
)

// attachReports reads each selected study's report once, sets the Reports
// text of its images, and moves the images of studies without a usable
// report to the exclusions. Records must be sorted (a study's images are
// adjacent).
func (c *Catalog) attachReports(ctx context.Context, src mimic.ReportSource, opt Options) error {
	kept := c.Records[:0]
	for i := 0; i < len(c.Records); {
		j := i + 1
		for j < len(c.Records) && c.Records[j].Study == c.Records[i].Study && c.Records[j].Subject == c.Records[i].Subject {
			j++
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		first := &c.Records[i]
		text, reason, detail := studyText(src, first.SubjectID, first.StudyID, opt)
		if reason == "" && detail != "" {
			c.Warnings = append(c.Warnings, detail)
		}
		for k := i; k < j; k++ {
			if reason != "" {
				r := &c.Records[k]
				c.Exclusions = append(c.Exclusions, Exclusion{DicomID: r.DicomID, SubjectID: r.SubjectID, StudyID: r.StudyID, Reason: reason, Detail: detail})
				continue
			}
			c.Records[k].Report = text
			kept = append(kept, c.Records[k])
		}
		i = j
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
			return "", ReasonNoReport, err.Error()
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
		text = report.Extract(full).Chosen()
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
