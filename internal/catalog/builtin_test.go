package catalog

import (
	"slices"
	"testing"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/label"
	"github.com/cxlseg/cxlseg/internal/sections"
)

// TestBuiltinLabels: with LabelsBuiltin every kept record carries the
// labeler's output for its chosen section, whatever the Reports column holds.
func TestBuiltinLabels(t *testing.T) {
	l := label.New(label.ModeCheXpert)
	for _, text := range []string{ReportSections, ReportFull} {
		c := buildSmall(t, nil, "dir", Options{Labels: LabelsBuiltin, ReportText: text})
		if !slices.Equal(c.LabelNames, chexpert.Alphabetical[:]) {
			t.Fatalf("%s: label names %v", text, c.LabelNames)
		}
		if len(c.Records) == 0 {
			t.Fatalf("%s: no records", text)
		}
		mentioned := 0
		for _, r := range c.Records {
			section := r.Report
			if text == ReportFull {
				section = sections.Extract(r.Report).Chosen()
			}
			want := l.Label(section)
			if !slices.Equal(r.Labels, want[:]) {
				t.Errorf("%s: %s labels %q, want %q", text, r.DicomID, r.Labels, want)
			}
			for _, v := range r.Labels {
				if v != "" {
					mentioned++
				}
			}
		}
		if mentioned == 0 {
			t.Errorf("%s: no label set on any record", text)
		}
	}
}
