// Package datasettest writes tiny fake built CXLSeg datasets, for tests of
// code that reads them (in the spirit of net/http/httptest). The fake has
// every file of a real build: the four CSVs, CXLSeg-qa.csv,
// CXLSeg-exclusions.csv, manifest.json and 224x224 JPEG segmented images
// and masks in MIMIC's folder layout. Its CSVs deliberately differ from
// the build's column and row order (label columns in the CheXpert
// labeler's order, rows shuffled between files) so that readers which
// match columns by position or rows by index fail.
package datasettest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// Image describes one image of the fake dataset as written (cells
// verbatim).
type Image struct {
	DicomID   string
	SubjectID int64
	StudyID   int64
	Split     string            // train, validate or test
	Labels    map[string]string // label name -> cell ("1.0", "0.0", "-1.0", "")
	Report    string
	View      string // ViewPosition
	// QA cells; Flags is ';'-joined as in the CSV.
	MeanProb, FGFraction, EstDice float64
	Flags                         string
	Lungs                         int // lungs drawn in the mask: 0, 1 or 2
}

// ImageRel returns the DicomPath of the segmented image.
func (im Image) ImageRel() string { return im.dir() + "/" + im.DicomID + ".jpg" }

// MaskRel returns the DicomPath of the mask.
func (im Image) MaskRel() string { return im.dir() + "/" + im.DicomID + "-mask.jpg" }

// dir is files/pXX/pSUBJECT/sSTUDY: the top folder is the first three
// characters of "p<subject_id>", as in MIMIC-CXR-JPG.
func (im Image) dir() string {
	p := fmt.Sprintf("p%d", im.SubjectID)
	return path.Join("files", p[:3], p, fmt.Sprintf("s%d", im.StudyID))
}

// Options selects which optional files Write leaves out.
type Options struct {
	NoQA         bool // omit CXLSeg-qa.csv
	NoExclusions bool // omit CXLSeg-exclusions.csv
	NoManifest   bool // omit manifest.json
	NoImages     bool // omit the JPEG files (CSV-only tests)
}

// cellCycle gives every label value kind across the fake's images.
var cellCycle = [4]string{chexpert.Positive, chexpert.Negative, chexpert.Uncertain, chexpert.Missing}

// reports exercise CSV quoting: commas, quotes, newlines, non-ASCII.
var reports = []string{
	"No acute cardiopulmonary process.",
	"Small left pleural effusion, unchanged.\nNo pneumothorax.",
	`Mild "cardiomegaly"; lines and tubes in standard position.`,
	"Right lower lobe opacity, could represent pneumonia.",
	"Heart size normal. Lungs clear.",
	"Endotracheal tube 4 cm above the carina.",
	"Possible small left apical pneumothorax — clinical correlation advised.",
	"Interval resolution of edema.",
}

// Images returns the fixed content of the fake dataset: 8 images, 4 train,
// 2 validate, 2 test.
func Images() []Image { return makeImages(8) }

// makeImages returns n images; the first 8 are the fixed fake dataset and
// later ones repeat its patterns under new ids.
func makeImages(n int) []Image {
	splits := []string{"train", "validate", "train", "test", "train", "validate", "test", "train"}
	flags := []string{"", "one_lung;low_quality", "", "low_confidence;implausible_area;low_quality", "", "", "empty;low_quality", ""}
	est := []float64{0.97, 0.81, 0.96, 0.86, 0.95, 0.93, 0, 0.97}
	lungs := []int{2, 1, 2, 2, 2, 2, 0, 2}
	views := []string{"PA", "AP", "PA", "AP", "PA", "PA", "AP", "PA"}
	out := make([]Image, n)
	for i := range out {
		k := i % len(splits)
		im := Image{
			DicomID:   fmt.Sprintf("%08x-%08x-%08x-%08x-%08x", 0x1a2b3c00+i, 0xdeadbe00+i*7, 0x10000000+i*3, 0xabc00000+i, 0x4e384000+i*11),
			SubjectID: 10000032 + int64(i/2)*1111111,
			StudyID:   50414267 + int64(i)*13,
			Split:     splits[k],
			Labels:    make(map[string]string),
			Report:    reports[k],
			View:      views[k],
			MeanProb:  0.97 - 0.04*float64(i%4),
			EstDice:   est[k],
			Flags:     flags[k],
			Lungs:     lungs[k],
		}
		for j, name := range chexpert.Alphabetical {
			im.Labels[name] = cellCycle[(i+j)%4]
		}
		out[i] = im
	}
	return out
}

// Write writes the fake dataset into dir (created if needed) and returns
// the images it wrote.
func Write(dir string, opt Options) ([]Image, error) {
	return write(dir, Images(), opt)
}

// WriteLarge writes a CSV-only dataset of n images (no JPEG files) with
// the fake's patterns, for benchmarks of code that reads the CSVs.
func WriteLarge(dir string, n int) error {
	_, err := write(dir, makeImages(n), Options{NoImages: true})
	return err
}

// HeaderOnly cuts each named CSV of the dataset in dir down to its header
// row, the shape of a build that kept no image.
func HeaderOnly(dir string, names ...string) error {
	for _, name := range names {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("datasettest: %w", err)
		}
		header, _, _ := strings.Cut(string(b), "\n")
		if err := os.WriteFile(p, []byte(header+"\n"), 0o644); err != nil {
			return fmt.Errorf("datasettest: %w", err)
		}
	}
	return nil
}

func write(dir string, ims []Image, opt Options) ([]Image, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("datasettest: %w", err)
	}
	if !opt.NoImages {
		for i := range ims {
			fg, err := writeImages(dir, &ims[i], i)
			if err != nil {
				return nil, err
			}
			ims[i].FGFraction = fg
		}
	} else {
		for i := range ims {
			ims[i].FGFraction = 0.1 * float64(ims[i].Lungs) * 1.5
		}
	}
	files := []struct {
		name string
		skip bool
		rows [][]string
	}{
		{"CXLSeg-segmented.csv", false, segmentedRows(ims)},
		{"CXLSeg-split.csv", false, splitRows(ims)},
		{"CXLSeg-mask.csv", false, maskRows(ims)},
		{"CXLSeg-metadata.csv", false, metadataRows(ims)},
		{"CXLSeg-qa.csv", opt.NoQA, qaRows(ims)},
		{"CXLSeg-exclusions.csv", opt.NoExclusions, exclusionRows()},
	}
	for _, f := range files {
		if f.skip {
			continue
		}
		if err := writeCSV(filepath.Join(dir, f.name), f.rows); err != nil {
			return nil, err
		}
	}
	if !opt.NoManifest {
		if err := writeManifest(filepath.Join(dir, "manifest.json"), ims); err != nil {
			return nil, err
		}
	}
	return ims, nil
}
