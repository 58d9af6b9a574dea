// Package export writes a built CXLSeg dataset as per-split CSVs
// (train.csv, validate.csv, test.csv) shaped for one learning task:
// image classification with an uncertainty policy, lung segmentation, or
// report generation. Labels are read by column name through package
// cxlseg/dataset and written in alphabetical order, MIMIC's own.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/version"
)

// Options configures an export.
type Options struct {
	Task      Task
	Uncertain Uncertain // classification only; default UIgnore
	Missing   Missing   // classification only; default MissingZeros
	// AbsolutePaths writes absolute file paths instead of DicomPath values
	// relative to the dataset directory.
	AbsolutePaths bool
	// MinEstDice, when positive, drops the images whose mask's estimated
	// Dice (CXLSeg-qa.csv's est_dice) is below it. A dataset without
	// est_dice is refused rather than exported unfiltered.
	MinEstDice float64
}

// InfoFile is the name of the JSON file recording how an export was made.
const InfoFile = "export.json"

// Info is the content of export.json.
type Info struct {
	Tool          string         `json:"tool"`
	Version       string         `json:"version"`
	Source        string         `json:"source"`
	Task          Task           `json:"task"`
	Uncertain     Uncertain      `json:"uncertain,omitempty"`
	Missing       Missing        `json:"missing,omitempty"`
	AbsolutePaths bool           `json:"absolute_paths"`
	MinEstDice    float64        `json:"min_est_dice,omitempty"`
	Columns       []string       `json:"columns"`
	Rows          map[string]int `json:"rows"`
	// Dropped counts, per split, the images left out by MinEstDice.
	Dropped map[string]int `json:"dropped_low_est_dice,omitempty"`
}

// Write exports ds into outDir (created if needed): one CSV per split,
// each written atomically, then export.json. It returns what export.json
// holds.
func Write(ds *dataset.Dataset, outDir string, opt Options) (*Info, error) {
	if opt.Uncertain == "" {
		opt.Uncertain = UIgnore
	}
	if opt.Missing == "" {
		opt.Missing = MissingZeros
	}
	if _, err := ParseTask(string(opt.Task)); err != nil {
		return nil, err
	}
	if opt.MinEstDice < 0 || opt.MinEstDice > 1 {
		return nil, fmt.Errorf("export: minimum estimated Dice %v outside [0, 1]", opt.MinEstDice)
	}
	if opt.MinEstDice > 0 {
		for r := range ds.All() {
			if r.QA == nil || math.IsNaN(r.QA.EstDice) {
				return nil, fmt.Errorf("export: %s has no est_dice for %s (built by an older cxlseg?): cannot filter by estimated Dice", ds.Dir(), r.DicomID)
			}
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	info := &Info{Tool: "cxlseg", Version: version.Version, Source: ds.Dir(), Task: opt.Task,
		AbsolutePaths: opt.AbsolutePaths, MinEstDice: opt.MinEstDice, Columns: Columns(opt.Task, ds.MaskFormat()), Rows: map[string]int{}}
	if opt.MinEstDice > 0 {
		info.Dropped = map[string]int{}
	}
	if opt.Task == Classification {
		info.Uncertain, info.Missing = opt.Uncertain, opt.Missing
	}
	for _, s := range dataset.Splits() {
		path := filepath.Join(outDir, string(s)+".csv")
		n, dropped := 0, 0
		err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
			var err error
			n, dropped, err = writeSplit(w, ds, s, opt)
			return err
		})
		if err != nil {
			return nil, err
		}
		info.Rows[string(s)] = n
		if info.Dropped != nil {
			info.Dropped[string(s)] = dropped
		}
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	b = append(b, '\n')
	err = atomicfile.WriteFile(filepath.Join(outDir, InfoFile), b, 0o644)
	return info, err
}

// Columns returns the header of a task's CSVs for a dataset whose masks
// are stored in maskFormat: a segmentation export of run-length encoded
// masks (no mask files) carries the CheXmask columns Lungs, Height and
// Width instead of DicomPathMask.
func Columns(t Task, maskFormat string) []string {
	switch t {
	case Classification:
		return append([]string{"DicomPath"}, dataset.LabelNames()...)
	case Segmentation:
		if maskFormat == dataset.MaskRLE {
			return []string{"DicomPath", cxlcsv.MaskRLEColumn, cxlcsv.MaskHeightColumn, cxlcsv.MaskWidthColumn}
		}
		return []string{"DicomPath", "DicomPathMask"}
	case ReportGeneration:
		return []string{"DicomPath", "Reports"}
	}
	return nil
}

// writeSplit writes the CSV of one split and returns its row count and
// the number of images MinEstDice dropped.
func writeSplit(w io.Writer, ds *dataset.Dataset, s dataset.Split, opt Options) (n, dropped int, err error) {
	cw := csv.NewWriter(w)
	cols := Columns(opt.Task, ds.MaskFormat())
	if err := cw.Write(cols); err != nil {
		return 0, 0, err
	}
	row := make([]string, len(cols))
	for r := range ds.Records(s) {
		if opt.MinEstDice > 0 && r.QA.EstDice < opt.MinEstDice {
			dropped++
			continue
		}
		img, mask := r.ImageRel, r.MaskRel
		if opt.AbsolutePaths {
			img, mask = r.ImagePath, r.MaskPath
		}
		row[0] = img
		switch opt.Task {
		case Classification:
			for i := range dataset.NumLabels {
				row[1+i] = Cell(r.Labels.At(i), opt.Uncertain, opt.Missing)
			}
		case Segmentation:
			row[1] = mask
			if ds.MaskFormat() == dataset.MaskRLE {
				m, _, err := r.MaskRLE()
				if err != nil {
					return n, dropped, err
				}
				row[1], row[2], row[3] = m.Counts, strconv.Itoa(m.Height), strconv.Itoa(m.Width)
			}
		case ReportGeneration:
			row[1] = r.Report
		}
		if err := cw.Write(row); err != nil {
			return n, dropped, err
		}
		n++
	}
	cw.Flush()
	return n, dropped, cw.Error()
}
