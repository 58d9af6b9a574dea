package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"cxlseg/internal/chexpert"
	"cxlseg/internal/mimic"
	"cxlseg/internal/split"
)

// DefaultViews is the frontal set: CXLSeg's 243,324 images are MIMIC's
// images with ViewPosition AP or PA.
var DefaultViews = []string{"AP", "PA"}

// Label sources for Options.Labels.
const (
	LabelsCheXpert = "chexpert"
	LabelsNegBio   = "negbio"
	LabelsNone     = ""
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
	// Views is the set of ViewPosition values kept; nil means DefaultViews.
	Views []string
	// Labels is LabelsCheXpert, LabelsNegBio or LabelsNone.
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
	// Warnings are notes that excluded nothing (e.g. a report decoded as
	// Latin-1, label rows for studies not in the metadata).
	Warnings []string
}

// splitInfo is what the split file says about one image.
type splitInfo struct {
	subject, study uint64
	split          string
}

// Build reads, joins and selects. Structural errors in any CSV, and row
// errors in the split or label files, are returned as errors naming the
// file and line; problems with one metadata row become exclusions.
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
	images, err := imageIndex(in)
	if err != nil {
		return nil, err
	}
	splits, err := readSplits(in.Files.Split)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	labels, err := readLabels(in.Files, opt.Labels, c)
	if err != nil {
		return nil, err
	}
	views := make(map[string]bool, len(opt.Views))
	for _, v := range opt.Views {
		views[v] = true
	}
	if err := c.selectImages(ctx, in, opt, views, splits, labels, images); err != nil {
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
	if opt.Views == nil {
		opt.Views = DefaultViews
	}
	switch opt.Labels {
	case LabelsCheXpert, LabelsNegBio, LabelsNone:
	default:
		return fmt.Errorf("catalog: unknown labels %q (want chexpert or negbio)", opt.Labels)
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

// readSplits loads the split file, if any, keyed by dicom_id. Any bad row
// is an error: the file is MIMIC's own and should be clean.
func readSplits(path string) (map[string]splitInfo, error) {
	if path == "" {
		return nil, nil
	}
	r, err := mimic.OpenSplit(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	m := make(map[string]splitInfo)
	err = r.ReadAll(func(row mimic.SplitRow) error {
		if row.Err != nil {
			return fmt.Errorf("read %w", row.Err)
		}
		m[row.DicomID] = splitInfo{subject: row.Subject, study: row.Study, split: row.Split}
		return nil
	})
	return m, err
}

// readLabels loads the chosen label file keyed by (subject, study), with
// values reordered to chexpert.Alphabetical by name.
func readLabels(files mimic.Files, which string, c *Catalog) (map[[2]uint64][]string, error) {
	var path, name string
	switch which {
	case LabelsNone:
		return nil, nil
	case LabelsCheXpert:
		path, name = files.CheXpert, mimic.CheXpertName
	case LabelsNegBio:
		path, name = files.NegBio, mimic.NegBioName
	}
	if path == "" {
		return nil, fmt.Errorf("catalog: --labels %s needs %s or %s.gz under %s", which, name, name, files.Root)
	}
	r, err := mimic.OpenLabels(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	col := map[string]int{}
	for i, n := range r.Names() {
		col[n] = i
	}
	pick := make([]int, len(chexpert.Alphabetical))
	for k, n := range chexpert.Alphabetical {
		i, ok := col[n]
		if !ok {
			return nil, fmt.Errorf("read %s: line 1: missing label column %q", path, n)
		}
		pick[k] = i
	}
	c.LabelNames = append([]string(nil), chexpert.Alphabetical[:]...)
	m := make(map[[2]uint64][]string)
	err = r.ReadAll(func(row mimic.LabelRow) error {
		if row.Err != nil {
			return fmt.Errorf("read %w", row.Err)
		}
		vals := make([]string, len(pick))
		for k, i := range pick {
			vals[k] = row.Values[i]
		}
		m[[2]uint64{row.Subject, row.Study}] = vals
		return nil
	})
	return m, err
}

// selectImages streams the metadata, applying the checks up to the image
// check, and appends candidate records and exclusions.
func (c *Catalog) selectImages(ctx context.Context, in Input, opt Options, views map[string]bool,
	splits map[string]splitInfo, labels map[[2]uint64][]string, images mimic.ImageIndex) error {
	r, err := mimic.OpenMetadata(in.Files.Metadata)
	if err != nil {
		return err
	}
	defer r.Close()
	c.MetadataHeader = append([]string(nil), r.Header()...)
	var noLabels []string
	if labels != nil {
		noLabels = make([]string, len(c.LabelNames))
	}
	exclude := func(row *mimic.MetadataRow, reason, detail string) {
		// Copies: the ids are substrings of the row's line, which would
		// otherwise stay in memory for every excluded row.
		c.Exclusions = append(c.Exclusions, Exclusion{DicomID: strings.Clone(row.DicomID),
			SubjectID: strings.Clone(row.SubjectID), StudyID: strings.Clone(row.StudyID), Reason: reason, Detail: detail})
	}
	return r.ReadAll(func(row mimic.MetadataRow) error {
		c.Rows++
		if c.Rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if row.Err != nil {
			if opt.Strict {
				return fmt.Errorf("read %w", row.Err)
			}
			exclude(&row, row.Err.Reason, row.Err.Error())
			return nil
		}
		if !views[row.ViewPosition] {
			exclude(&row, ReasonNotFrontal, fmt.Sprintf("ViewPosition %q", row.ViewPosition))
			return nil
		}
		rec := Record{DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Subject: row.Subject, Study: row.Study, ViewPosition: row.ViewPosition, Metadata: row.Fields}
		if s, ok := splits[row.DicomID]; ok {
			if s.subject != row.Subject || s.study != row.Study {
				exclude(&row, ReasonIDMismatch, fmt.Sprintf("%s line %d: split file has subject %d study %d", r.Path(), row.Line, s.subject, s.study))
				return nil
			}
			rec.OfficialSplit = s.split
		} else if opt.RequireSplit {
			exclude(&row, ReasonNoSplit, "not in "+in.Files.Split)
			return nil
		}
		rec.DicomPath, _ = mimic.ImagePath(row.SubjectID, row.StudyID, row.DicomID) // ids checked by the reader
		rec.MaskPath, _ = mimic.MaskPath(row.SubjectID, row.StudyID, row.DicomID)
		rec.SourcePath = filepath.Join(in.Files.Root, filepath.FromSlash(rec.DicomPath))
		if err := images.Check(rec.DicomPath); err != nil {
			exclude(&row, ReasonMissingImage, err.Error())
			return nil
		}
		if labels != nil {
			if v, ok := labels[[2]uint64{row.Subject, row.Study}]; ok {
				rec.Labels = v
			} else {
				rec.Labels = noLabels
			}
		}
		c.Records = append(c.Records, rec)
		return nil
	})
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
