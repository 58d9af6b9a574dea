package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/split"
)

// DefaultViews is the frontal set: CXLSeg's 243,324 images are MIMIC's
// images with ViewPosition AP or PA. Read-only: copy it before changing.
func DefaultViews() []string { return []string{"AP", "PA"} }

// Label sources for Options.Labels.
const (
	LabelsCheXpert = "chexpert"
	LabelsNegBio   = "negbio"
	// LabelsBuiltin labels each study's chosen report section with cxlseg's
	// own CheXpert-style labeler (package label, CheXpert mode), for trees
	// without MIMIC's label CSVs.
	LabelsBuiltin = "builtin"
	LabelsNone    = ""
)

// Report text modes for Options.ReportText.
const (
	ReportSections = "sections" // report.Extract(text).Chosen(), the default
	ReportFull     = "full"     // the whole report file
)

// Non-UTF-8 policies for Options.NonUTF8.
const (
	NonUTF8Exclude = "exclude" // the default
	NonUTF8Latin1  = "latin1"
)

// Options controls selection.
type Options struct {
	// Views is the set of ViewPosition values kept, compared exactly;
	// empty means DefaultViews.
	Views []string
	// Labels is LabelsCheXpert, LabelsNegBio, LabelsBuiltin or LabelsNone.
	Labels string
	// ReportText is ReportSections ("" means the same) or ReportFull.
	ReportText string
	// NonUTF8 is NonUTF8Exclude ("" means the same) or NonUTF8Latin1.
	NonUTF8 string
	// NoReports skips reports entirely: no report exclusions and an empty
	// Reports column. Without it, Input.Reports is required.
	NoReports bool
	// RequireSplit excludes images absent from the split file (needed by
	// the official split mode).
	RequireSplit bool
	// Strict makes a bad or duplicate metadata row an error (naming the
	// file and line) instead of an exclusion.
	Strict bool
}

// Input names the data to join.
type Input struct {
	// Files are the located CSVs (mimic.Locate); Files.Root is the MIMIC
	// root the image paths are relative to.
	Files mimic.Files
	// Images answers whether an image exists. nil means IMAGE_FILENAMES
	// when Files lists one, else a stat under Files.Root.
	Images mimic.ImageIndex
	// Reports gives report texts; required unless Options.NoReports.
	Reports mimic.ReportSource
}

// Catalog is the joined, selected data set.
type Catalog struct {
	// MetadataHeader is the metadata CSV's header in file order.
	MetadataHeader []string
	// LabelNames are the label columns of Record.Labels
	// (chexpert.Alphabetical), nil without labels.
	LabelNames []string
	// Records are the selected images in canonical order.
	Records []Record
	// Exclusions are the images left out, in canonical order.
	Exclusions []Exclusion
	// Rows is the number of metadata rows read.
	Rows int
	// Warnings are notes that excluded nothing (a report decoded as
	// Latin-1).
	Warnings []string
}

// Build reads, joins and selects. Structural errors in any CSV, and row
// errors in the split or label files, are returned as errors naming the
// file and line; problems with one metadata row become exclusions.
//
// Memory: the metadata is streamed once; the split and label files are
// streamed afterwards and joined only against the images still selected,
// so neither file is held in memory whole.
func Build(ctx context.Context, in Input, opt Options) (*Catalog, error) {
	if err := checkOptions(&opt); err != nil {
		return nil, err
	}
	if in.Files.Metadata == "" {
		return nil, errors.New("catalog: no metadata CSV given")
	}
	if in.Reports == nil && !opt.NoReports {
		return nil, errors.New("catalog: no report source given (pass reports, or choose no reports)")
	}
	// Open every CSV first, so a missing file or column fails at once
	// rather than after the metadata pass.
	md, err := mimic.OpenMetadata(in.Files.Metadata)
	if err != nil {
		return nil, err
	}
	defer md.Close()
	var sp *mimic.SplitReader
	if in.Files.Split != "" {
		if sp, err = mimic.OpenSplit(in.Files.Split); err != nil {
			return nil, err
		}
		defer sp.Close()
	}
	c := &Catalog{}
	lb, pick, err := openLabels(in.Files, opt.Labels)
	if err != nil {
		return nil, err
	}
	if lb != nil {
		defer lb.Close()
	}
	if lb != nil || opt.Labels == LabelsBuiltin {
		c.LabelNames = append([]string(nil), chexpert.Alphabetical[:]...)
	}
	images, err := imageIndex(in)
	if err != nil {
		return nil, err
	}
	if err := c.selectImages(ctx, md, in.Files.Root, opt, images); err != nil {
		return nil, err
	}
	if err := c.joinSplits(ctx, sp, opt.RequireSplit); err != nil {
		return nil, err
	}
	if err := c.joinLabels(ctx, lb, pick); err != nil {
		return nil, err
	}
	SortRecords(c.Records)
	if !opt.NoReports {
		if err := c.attachReports(ctx, in.Reports, opt); err != nil {
			return nil, err
		}
	}
	SortExclusions(c.Exclusions)
	return c, nil
}

// checkOptions fills defaults and rejects unknown values.
func checkOptions(opt *Options) error {
	if len(opt.Views) == 0 {
		opt.Views = DefaultViews()
	}
	switch opt.Labels {
	case LabelsCheXpert, LabelsNegBio, LabelsNone:
	case LabelsBuiltin:
		if opt.NoReports {
			return errors.New("catalog: builtin labels need the reports")
		}
	default:
		return fmt.Errorf("catalog: unknown labels %q (want chexpert, negbio or builtin)", opt.Labels)
	}
	switch opt.ReportText {
	case "":
		opt.ReportText = ReportSections
	case ReportSections, ReportFull:
	default:
		return fmt.Errorf("catalog: unknown report text %q (want sections or full)", opt.ReportText)
	}
	switch opt.NonUTF8 {
	case "":
		opt.NonUTF8 = NonUTF8Exclude
	case NonUTF8Exclude, NonUTF8Latin1:
	default:
		return fmt.Errorf("catalog: unknown non-UTF-8 policy %q (want exclude or latin1)", opt.NonUTF8)
	}
	return nil
}

func imageIndex(in Input) (mimic.ImageIndex, error) {
	if in.Images != nil {
		return in.Images, nil
	}
	if in.Files.ImageFilenames != "" {
		s, err := mimic.ReadImageFilenames(in.Files.ImageFilenames)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return mimic.StatIndex{Root: in.Files.Root}, nil
}

// splitName names the split file in exclusion details.
func splitName(path string) string {
	if path == "" {
		return mimic.SplitName + " (absent)"
	}
	return filepath.Base(path)
}

// AssignSplits sets Record.Split for every record under mode and seed.
func (c *Catalog) AssignSplits(mode split.Mode, seed uint64) error {
	items := make([]split.Item, len(c.Records))
	for i, r := range c.Records {
		items[i] = split.Item{DicomID: r.DicomID, Subject: r.SubjectID, Official: r.OfficialSplit}
	}
	got, err := split.Assign(items, mode, seed)
	if err != nil {
		return err
	}
	for i := range c.Records {
		c.Records[i].Split = got[i]
	}
	return nil
}

// ExclusionCounts tallies exclusions by reason.
func (c *Catalog) ExclusionCounts() map[string]int {
	m := map[string]int{}
	for _, e := range c.Exclusions {
		m[e.Reason]++
	}
	return m
}
