// Package dataset reads a built CXLSeg dataset: the lung-segmented images,
// masks and CSVs that `cxlseg build` writes, in the layout of the PhysioNet
// CXLSeg release plus the optional QA, exclusions and manifest files.
//
// Open reads the CSVs once, joins them by dicom_id and keeps one Record per
// segmented image in memory: about 1.6 KB each plus the report text
// (measured on synthetic rows), so roughly 0.5 GB for the full
// 243,324-image dataset. Columns are always matched by name, never by
// position, so files whose label columns come in another order read the
// same. Images are not decoded until Record.LoadImage or LoadMask.
//
// Masks may be JPEG files (CXLSeg's format), PNG files or, for builds with
// --mask-format rle, CheXmask-style run-length strings in CXLSeg-mask.csv
// (Dataset.MaskFormat); LoadMask reads all three, and RLE strings are read
// from the file when asked for, not held in memory.
//
//	ds, err := dataset.Open("/data/cxlseg")
//	for r := range ds.Records(dataset.Train) {
//		eff, _ := r.Labels.Get("Pleural Effusion")
//		fmt.Println(r.ImagePath, r.MaskPath, eff == dataset.Positive)
//	}
package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"
)

// Dataset is a built CXLSeg dataset read into memory. It is safe for
// concurrent reads; callers must not modify what it returns.
type Dataset struct {
	dir        string
	records    []Record
	byID       map[string]int
	metaHeader []string
	hasQA      bool
	exclusions []Exclusion
	manifest   map[string]any
	masks      *maskTable
}

// Open reads the dataset in dir. CXLSeg-split.csv, CXLSeg-segmented.csv,
// CXLSeg-mask.csv and CXLSeg-metadata.csv are required; CXLSeg-qa.csv,
// CXLSeg-exclusions.csv and manifest.json are read when present. A folder
// cxlseg build has not finished (see ErrIncomplete) is refused. Every
// image of CXLSeg-segmented.csv must have a row in the split, mask and
// metadata files; rows of those files for other images are ignored. A
// malformed file gives an error naming the file and row.
func Open(dir string) (*Dataset, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: %w", dir, err)
	}
	d := &Dataset{dir: abs}
	// The manifest first: a folder the build has not finished is refused
	// before its half-written files are parsed.
	if d.manifest, err = readManifest(filepath.Join(abs, ManifestFile)); err != nil {
		return nil, err
	}
	if err := checkComplete(abs, d.manifest); err != nil {
		return nil, err
	}

	var segs []segRow
	var splits map[string]Split
	var masks *maskTable
	var meta *metadata
	var qa map[string]*QA
	reads := []struct {
		file     string
		optional bool
		read     func(name string, r io.Reader) error
	}{
		{SegmentedFile, false, func(n string, r io.Reader) (err error) { segs, err = readSegmented(n, r); return }},
		{SplitFile, false, func(n string, r io.Reader) (err error) { splits, err = readSplit(n, r); return }},
		{MaskFile, false, func(n string, r io.Reader) (err error) { masks, err = readMask(n, r); return }},
		{MetadataFile, false, func(n string, r io.Reader) (err error) { meta, err = readMetadata(n, r); return }},
		{QAFile, true, func(n string, r io.Reader) (err error) { qa, err = readQA(n, r); return }},
		{ExclusionsFile, true, func(n string, r io.Reader) (err error) { d.exclusions, err = readExclusions(n, r); return }},
	}
	for _, rd := range reads {
		p := filepath.Join(abs, rd.file)
		found, err := readFile(p, rd.optional, rd.read)
		if err != nil {
			return nil, err
		}
		if rd.file == QAFile {
			d.hasQA = found
		}
	}

	d.metaHeader, d.masks = meta.header, masks
	d.records = make([]Record, 0, len(segs))
	d.byID = make(map[string]int, len(segs))
	for _, s := range segs {
		r := s.rec
		missing := func(file string) error {
			return fmt.Errorf("%s: no row for dicom_id %q (%s row %d)",
				filepath.Join(abs, file), r.DicomID, filepath.Join(abs, SegmentedFile), s.row)
		}
		var ok bool
		if r.Split, ok = splits[r.DicomID]; !ok {
			return nil, missing(SplitFile)
		}
		if r.mask, ok = masks.refs[r.DicomID]; !ok {
			return nil, missing(MaskFile)
		}
		r.masks, r.MaskRel = masks, r.mask.rel
		if r.meta, ok = meta.rows[r.DicomID]; !ok {
			return nil, missing(MetadataFile)
		}
		r.metaCols = meta.cols
		r.Report = r.meta[meta.cols[colReports]]
		r.ImagePath = filepath.Join(abs, filepath.FromSlash(r.ImageRel))
		if r.MaskRel != "" {
			r.MaskPath = filepath.Join(abs, filepath.FromSlash(r.MaskRel))
		}
		r.QA = qa[r.DicomID]
		d.byID[r.DicomID] = len(d.records)
		d.records = append(d.records, r)
	}
	return d, nil
}

// readFile opens path and passes it to read. A missing optional file is
// not an error (found is false); a missing required one is.
func readFile(path string, optional bool, read func(string, io.Reader) error) (found bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open dataset: %w", err)
	}
	defer f.Close()
	if err := read(path, f); err != nil {
		return false, err
	}
	return true, nil
}

// ErrIncomplete is returned by Open for a folder that cxlseg build has not
// finished writing.
var ErrIncomplete = errors.New("incomplete dataset")

// buildStateDir is where cxlseg build keeps its journals while it runs;
// the build writes manifest.json last, with status "complete".
const buildStateDir = cxlcsv.StateDir

// checkComplete refuses a dataset cxlseg build did not finish: a manifest
// whose status is not "complete", or build state without a manifest (a
// build stopped while writing the final files, by a full disk say). A
// folder with neither, such as the published CXLSeg, is accepted.
func checkComplete(dir string, manifest map[string]any) error {
	const hint = "run the same cxlseg build command again to finish it (it resumes)"
	if manifest != nil {
		if st, _ := manifest["status"].(string); st != "complete" {
			return fmt.Errorf("open dataset %s: %w: manifest.json says status %q; %s", dir, ErrIncomplete, st, hint)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, buildStateDir)); err == nil {
		return fmt.Errorf("open dataset %s: %w: cxlseg build state (%s/) but no manifest.json, which the build writes last; %s", dir, ErrIncomplete, buildStateDir, hint)
	}
	return nil
}

// readManifest reads manifest.json as a generic JSON object; nil when the
// file is absent.
func readManifest(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Dir returns the dataset's directory as an absolute path.
func (d *Dataset) Dir() string { return d.dir }

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.records) }

// Count returns the number of images in a split.
func (d *Dataset) Count(s Split) int {
	n := 0
	for i := range d.records {
		if d.records[i].Split == s {
			n++
		}
	}
	return n
}

// All iterates over every image in the order of CXLSeg-segmented.csv.
func (d *Dataset) All() iter.Seq[Record] {
	return func(yield func(Record) bool) {
		for i := range d.records {
			if !yield(d.records[i]) {
				return
			}
		}
	}
}

// Records iterates over the images of one split in the order of
// CXLSeg-segmented.csv.
func (d *Dataset) Records(s Split) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		for i := range d.records {
			if d.records[i].Split == s && !yield(d.records[i]) {
				return
			}
		}
	}
}

// Lookup returns the image with the given dicom_id.
func (d *Dataset) Lookup(dicomID string) (Record, bool) {
	i, ok := d.byID[dicomID]
	if !ok {
		return Record{}, false
	}
	return d.records[i], true
}

// MetaColumns returns the column names of CXLSeg-metadata.csv, for
// Record.Meta.
func (d *Dataset) MetaColumns() []string { return append([]string(nil), d.metaHeader...) }

// MaskFormat says how the masks are stored: MaskJPEG (CXLSeg's
// <dicom_id>-mask.jpg), MaskPNG or MaskRLE (in CXLSeg-mask.csv, no
// files). Record.LoadMask reads all three.
func (d *Dataset) MaskFormat() string { return d.masks.format }

// HasQA reports whether the dataset has a CXLSeg-qa.csv.
func (d *Dataset) HasQA() bool { return d.hasQA }

// Exclusions returns the rows of CXLSeg-exclusions.csv (nil when absent).
func (d *Dataset) Exclusions() []Exclusion { return d.exclusions }

// Manifest returns manifest.json decoded as a JSON object, or nil when the
// dataset has none.
func (d *Dataset) Manifest() map[string]any { return d.manifest }
