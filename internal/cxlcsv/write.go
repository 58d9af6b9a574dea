package cxlcsv

import (
	"encoding/csv"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/mimic"
	"github.com/cxlseg/cxlseg/internal/rle"
)

// File names of a built dataset, defined once here: the build writes them
// and the public dataset package reads them under the same names.
const (
	MetadataFile   = "CXLSeg-metadata.csv"
	SplitFile      = "CXLSeg-split.csv"
	SegmentedFile  = "CXLSeg-segmented.csv"
	MaskFile       = "CXLSeg-mask.csv"
	ExclusionsFile = "CXLSeg-exclusions.csv"
	QAFile         = "CXLSeg-qa.csv"
	ManifestFile   = "manifest.json"
	// StateDir holds the build's journals while it runs (and after).
	StateDir = "shards"
)

// Columns of CXLSeg-mask.csv when masks are run-length encoded (named as
// in CheXmask's CSVs, whose organ columns hold the same encoding).
const (
	MaskRLEColumn    = "Lungs"
	MaskHeightColumn = "Height"
	MaskWidthColumn  = "Width"
)

// Headers of the fixed-schema CSVs.
var (
	splitHeader      = []string{"dicom_id", "subject_id", "study_id", "split"}
	maskHeader       = []string{"dicom_id", "subject_id", "study_id", "DicomPath"}
	maskRLEHeader    = []string{"dicom_id", "subject_id", "study_id", MaskRLEColumn, MaskHeightColumn, MaskWidthColumn}
	exclusionsHeader = []string{"dicom_id", "subject_id", "study_id", "reason", "detail"}
)

// Dataset is what the CSVs are written from: records (each with Split
// assigned) and exclusions. Records and exclusions may come in any order.
type Dataset struct {
	// MetadataHeader is MIMIC's metadata header, in file order.
	MetadataHeader []string
	// LabelNames names the values in Record.Labels; nil when the records
	// carry no labels (the label columns are then written empty).
	LabelNames []string
	Records    []catalog.Record
	Exclusions []catalog.Exclusion
	// MaskRLE, when set, makes CXLSeg-mask.csv carry each record's mask
	// as a CheXmask-style run-length string (columns Lungs, Height, Width;
	// see package rle) instead of the mask file's DicomPath. It is called
	// with an index into Records, once per record, while the file is
	// written, so the strings need not all be in memory.
	MaskRLE func(i int) (rle.Mask, error)
}

// FromCatalog returns the dataset of a whole catalog.
func FromCatalog(c *catalog.Catalog) Dataset {
	return Dataset{MetadataHeader: c.MetadataHeader, LabelNames: c.LabelNames, Records: c.Records, Exclusions: c.Exclusions}
}

// WriteAll writes the four CXLSeg CSVs and the exclusions into dir.
func WriteAll(dir string, d Dataset) error {
	order := recordOrder(d.Records)
	if err := WriteMetadata(filepath.Join(dir, MetadataFile), d.MetadataHeader, d.Records, order); err != nil {
		return err
	}
	if err := WriteSplit(filepath.Join(dir, SplitFile), d.Records, order); err != nil {
		return err
	}
	if err := WriteSegmented(filepath.Join(dir, SegmentedFile), d.LabelNames, d.Records, order); err != nil {
		return err
	}
	if d.MaskRLE != nil {
		if err := WriteMaskRLE(filepath.Join(dir, MaskFile), d.Records, order, d.MaskRLE); err != nil {
			return err
		}
	} else if err := WriteMask(filepath.Join(dir, MaskFile), d.Records, order); err != nil {
		return err
	}
	return WriteExclusions(filepath.Join(dir, ExclusionsFile), d.Exclusions)
}

// recordOrder returns the indices of rs in canonical order without
// moving the records themselves.
func recordOrder(rs []catalog.Record) []int {
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := &rs[order[a]], &rs[order[b]]
		if x.Subject != y.Subject {
			return x.Subject < y.Subject
		}
		if x.Study != y.Study {
			return x.Study < y.Study
		}
		return x.DicomID < y.DicomID
	})
	return order
}

// WriteMetadata writes CXLSeg-metadata.csv: the MIMIC metadata columns in
// their original order, then Reports and DicomPath. order lists record
// indices to write in that order; nil writes them in canonical order.
func WriteMetadata(path string, header []string, rs []catalog.Record, order []int) error {
	for _, h := range header {
		if h == "Reports" || h == "DicomPath" {
			return fmt.Errorf("write %s: metadata already has a %q column", path, h)
		}
	}
	if order == nil {
		order = recordOrder(rs)
	}
	return writeAtomic(path, func(w *csv.Writer) error {
		row := append(append([]string(nil), header...), "Reports", "DicomPath")
		if err := w.Write(row); err != nil {
			return err
		}
		for _, i := range order {
			r := &rs[i]
			if len(r.Metadata) != len(header) {
				return fmt.Errorf("record %s has %d metadata fields, header has %d", r.DicomID, len(r.Metadata), len(header))
			}
			row = append(append(row[:0], r.Metadata...), r.Report, r.DicomPath)
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteSplit writes CXLSeg-split.csv. Every record must have a Split.
func WriteSplit(path string, rs []catalog.Record, order []int) error {
	if order == nil {
		order = recordOrder(rs)
	}
	return writeAtomic(path, func(w *csv.Writer) error {
		if err := w.Write(splitHeader); err != nil {
			return err
		}
		row := make([]string, 4)
		for _, i := range order {
			r := &rs[i]
			if r.Split == "" {
				return fmt.Errorf("record %s has no split assigned", r.DicomID)
			}
			row[0], row[1], row[2], row[3] = r.DicomID, r.SubjectID, r.StudyID, r.Split
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteSegmented writes CXLSeg-segmented.csv: ids, the DicomPath of the
// segmented image, then the 14 labels in chexpert.Alphabetical order,
// each taken from the record by name (empty when names is nil).
func WriteSegmented(path string, names []string, rs []catalog.Record, order []int) error {
	if order == nil {
		order = recordOrder(rs)
	}
	col := make(map[string]int, len(names))
	for i, n := range names {
		col[n] = i
	}
	pick := make([]int, len(chexpert.Alphabetical))
	for k, n := range chexpert.Alphabetical {
		if i, ok := col[n]; ok {
			pick[k] = i
		} else {
			pick[k] = -1
		}
	}
	return writeAtomic(path, func(w *csv.Writer) error {
		row := append([]string{"dicom_id", "subject_id", "study_id", "DicomPath"}, chexpert.Alphabetical[:]...)
		if err := w.Write(row); err != nil {
			return err
		}
		for _, i := range order {
			r := &rs[i]
			if r.Labels != nil && len(r.Labels) != len(names) {
				return fmt.Errorf("record %s has %d labels, expected %d", r.DicomID, len(r.Labels), len(names))
			}
			row[0], row[1], row[2], row[3] = r.DicomID, r.SubjectID, r.StudyID, r.DicomPath
			for k, c := range pick {
				v := ""
				if c >= 0 && r.Labels != nil {
					v = r.Labels[c]
				}
				row[4+k] = v
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteMask writes CXLSeg-mask.csv: ids and the DicomPath of the mask.
func WriteMask(path string, rs []catalog.Record, order []int) error {
	if order == nil {
		order = recordOrder(rs)
	}
	return writeAtomic(path, func(w *csv.Writer) error {
		if err := w.Write(maskHeader); err != nil {
			return err
		}
		row := make([]string, 4)
		for _, i := range order {
			r := &rs[i]
			mask := r.MaskPath
			if mask == "" {
				var err error
				if mask, err = mimic.MaskPath(r.SubjectID, r.StudyID, r.DicomID); err != nil {
					return fmt.Errorf("record %s: %w", r.DicomID, err)
				}
			}
			row[0], row[1], row[2], row[3] = r.DicomID, r.SubjectID, r.StudyID, mask
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteMaskRLE writes CXLSeg-mask.csv for masks stored as run-length
// strings: ids, then the CheXmask columns Lungs (the RLE of both lungs),
// Height and Width. mask returns record i's mask.
func WriteMaskRLE(path string, rs []catalog.Record, order []int, mask func(i int) (rle.Mask, error)) error {
	if order == nil {
		order = recordOrder(rs)
	}
	return writeAtomic(path, func(w *csv.Writer) error {
		if err := w.Write(maskRLEHeader); err != nil {
			return err
		}
		row := make([]string, len(maskRLEHeader))
		for _, i := range order {
			r := &rs[i]
			m, err := mask(i)
			if err != nil {
				return err
			}
			row[0], row[1], row[2] = r.DicomID, r.SubjectID, r.StudyID
			row[3], row[4], row[5] = m.Counts, strconv.Itoa(m.Height), strconv.Itoa(m.Width)
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteExclusions writes CXLSeg-exclusions.csv in canonical order (the
// slice itself is not reordered).
func WriteExclusions(path string, es []catalog.Exclusion) error {
	sorted := append([]catalog.Exclusion(nil), es...)
	catalog.SortExclusions(sorted)
	return writeAtomic(path, func(w *csv.Writer) error {
		if err := w.Write(exclusionsHeader); err != nil {
			return err
		}
		row := make([]string, 5)
		for _, e := range sorted {
			row[0], row[1], row[2], row[3], row[4] = e.DicomID, e.SubjectID, e.StudyID, e.Reason, e.Detail
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
}
