package catalog

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/mimic"
)

// joinSplits streams the split file (if any), sets OfficialSplit on the
// selected records it names, and excludes records whose split row gives
// other ids (id_mismatch) or, with require, records it does not name
// (no_split). Any bad row of the file is an error: the file is MIMIC's
// own and should be clean.
func (c *Catalog) joinSplits(ctx context.Context, r *mimic.SplitReader, require bool) error {
	byDicom := make(map[string]int, len(c.Records))
	for i := range c.Records {
		byDicom[c.Records[i].DicomID] = i
	}
	mismatch := map[int]string{}
	name := mimic.SplitName + " (absent)"
	if r != nil {
		name = filepath.Base(r.Path())
		n := 0
		err := r.ReadAll(func(row mimic.SplitRow) error {
			if n++; n%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if row.Err != nil {
				return fmt.Errorf("read %w", row.Err)
			}
			i, ok := byDicom[row.DicomID]
			if !ok {
				return nil
			}
			rec := &c.Records[i]
			if row.Subject != rec.Subject || row.Study != rec.Study {
				mismatch[i] = fmt.Sprintf("%s line %d says subject %s study %s; the metadata says subject %s study %s",
					name, row.Line, row.SubjectID, row.StudyID, rec.SubjectID, rec.StudyID)
				return nil
			}
			rec.OfficialSplit = row.Split
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(mismatch) == 0 && !require {
		return nil
	}
	// dropRecords walks records in order; count to find each one's index.
	i := -1
	c.dropRecords(func(rec *Record) (string, string) {
		i++
		if d, ok := mismatch[i]; ok {
			return ReasonIDMismatch, d
		}
		if require && rec.OfficialSplit == "" {
			return ReasonNoSplit, "not in " + name
		}
		return "", ""
	})
	return nil
}

// openLabels opens the chosen label file and maps chexpert.Alphabetical
// to its columns by name: pick[k] is the reader's value index of label k.
func openLabels(files mimic.Files, which string) (*mimic.LabelsReader, []int, error) {
	var path, name string
	switch which {
	case LabelsNone, LabelsBuiltin:
		return nil, nil, nil
	case LabelsCheXpert:
		path, name = files.CheXpert, mimic.CheXpertName
	case LabelsNegBio:
		path, name = files.NegBio, mimic.NegBioName
	}
	if path == "" {
		return nil, nil, fmt.Errorf("catalog: labels %s need %s or %s.gz under %s", which, name, name, files.Root)
	}
	r, err := mimic.OpenLabels(path)
	if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, n := range r.Names() {
		col[n] = i
	}
	pick := make([]int, len(chexpert.Alphabetical))
	for k, n := range chexpert.Alphabetical {
		i, ok := col[n]
		if !ok {
			r.Close()
			return nil, nil, fmt.Errorf("read %s: line 1: missing label column %q", path, n)
		}
		pick[k] = i
	}
	return r, pick, nil
}

// joinLabels streams the label file and gives each selected record its
// study's values (in chexpert.Alphabetical order); records of studies
// without a row get empty values. Records of one study share one slice.
// Any bad row of the file is an error.
func (c *Catalog) joinLabels(ctx context.Context, r *mimic.LabelsReader, pick []int) error {
	if r == nil {
		return nil
	}
	type key = [2]uint64
	wanted := make(map[key][]string)
	for i := range c.Records {
		wanted[key{c.Records[i].Subject, c.Records[i].Study}] = nil
	}
	n := 0
	err := r.ReadAll(func(row mimic.LabelRow) error {
		if n++; n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if row.Err != nil {
			return fmt.Errorf("read %w", row.Err)
		}
		k := key{row.Subject, row.Study}
		if _, ok := wanted[k]; !ok {
			return nil
		}
		vals := make([]string, len(pick))
		for j, i := range pick {
			vals[j] = row.Values[i]
		}
		wanted[k] = vals
		return nil
	})
	if err != nil {
		return err
	}
	empty := make([]string, len(pick))
	for i := range c.Records {
		rec := &c.Records[i]
		if v := wanted[key{rec.Subject, rec.Study}]; v != nil {
			rec.Labels = v
		} else {
			rec.Labels = empty
		}
	}
	return nil
}
