package builder

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/split"
)

// QAFile is the name of the per-mask QA CSV.
const QAFile = cxlcsv.QAFile

// Counts summarise a finished dataset.
type Counts struct {
	MetadataRows int            `json:"metadata_rows"`
	Selected     int            `json:"selected"`
	Images       int            `json:"images"`
	Splits       map[string]int `json:"splits"`
	Excluded     map[string]int `json:"excluded"`
	Flags        map[string]int `json:"qa_flags"`
}

// outcome joins the catalog with the journals: the records that were
// segmented, and every exclusion (the catalog's and the pipeline's).
type outcome struct {
	records    []catalog.Record
	qa         []*QA
	dims       [][2]int // outputs' width and height, parallel to records
	exclusions []catalog.Exclusion
}

// join matches catalog records of shard s with journal entries. It fails
// listing the images that have no entry.
func join(cat *catalog.Catalog, s Shard, entries map[string]Entry) (*outcome, error) {
	o := &outcome{}
	if s.Count <= 1 || s.Index == 0 {
		// The catalog's own exclusions belong to the whole dataset; shard
		// 0 carries them so each is listed once.
		o.exclusions = append(o.exclusions, cat.Exclusions...)
	}
	var missing []string
	for i := range cat.Records {
		r := &cat.Records[i]
		if !s.Has(r.DicomID) {
			continue
		}
		e, ok := entries[r.DicomID]
		switch {
		case !ok:
			missing = append(missing, r.DicomID)
		case e.Status == StatusOK:
			o.records = append(o.records, *r)
			q := e.QA
			if q != nil && e.Note != "" {
				qn := *q
				qn.Note = e.Note
				q = &qn
			}
			o.qa = append(o.qa, q)
			w, h := entryDims(&e)
			o.dims = append(o.dims, [2]int{w, h})
		default:
			o.exclusions = append(o.exclusions, catalog.Exclusion{DicomID: r.DicomID, SubjectID: r.SubjectID,
				StudyID: r.StudyID, Reason: e.Reason, Detail: e.Detail})
		}
	}
	if len(missing) > 0 {
		return nil, &MissingError{Shard: s, IDs: missing}
	}
	catalog.SortExclusions(o.exclusions)
	return o, nil
}

// MissingError lists selected images that no journal accounts for.
type MissingError struct {
	Shard Shard
	IDs   []string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("shard %s: %d selected images not accounted for by any journal: %s", e.Shard, len(e.IDs), firstFew(e.IDs))
}

// writeDataset assigns splits over the segmented images and writes the
// CXLSeg CSVs, the QA CSV and the exclusions into dir. Everything is in
// the catalog's canonical order, so the bytes depend only on the inputs,
// the parameters and the per-image results, not on the order images
// finished in or on how often the run was interrupted.
//
// It first removes dir's manifest.json, which the caller writes again last:
// readers (package dataset) refuse a folder with build state and no
// manifest, so a run stopped half-way through these files (a full disk) is
// never taken for a dataset.
func writeDataset(dir string, cat *catalog.Catalog, o *outcome, mode string, seed uint64, maskFormat string) (*Counts, error) {
	m, err := split.ParseMode(mode)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(dir, ManifestFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove the old manifest: %w", err)
	}
	// Temporary files of a run killed between a write and its rename.
	for _, name := range []string{cxlcsv.SplitFile, cxlcsv.SegmentedFile, cxlcsv.MaskFile, cxlcsv.MetadataFile,
		cxlcsv.ExclusionsFile, QAFile, ManifestFile} {
		removeTemps(filepath.Join(dir, name))
	}
	c, err := writeDatasetFiles(dir, cat, o, m, seed, maskFormat)
	if err != nil {
		return nil, fmt.Errorf("write the dataset files: %w (the dataset is incomplete; free the space or fix the cause, then run the same command again: it resumes)", err)
	}
	return c, nil
}

// writeDatasetFiles is writeDataset's work.
func writeDatasetFiles(dir string, cat *catalog.Catalog, o *outcome, m split.Mode, seed uint64, maskFormat string) (*Counts, error) {
	final := &catalog.Catalog{MetadataHeader: cat.MetadataHeader, LabelNames: cat.LabelNames, Records: o.records}
	if err := final.AssignSplits(m, seed); err != nil {
		return nil, err
	}
	d := cxlcsv.Dataset{MetadataHeader: cat.MetadataHeader, LabelNames: cat.LabelNames,
		Records: final.Records, Exclusions: o.exclusions}
	if maskFormat == MaskRLE {
		d.MaskRLE = rleReader(dir, final.Records, o.dims)
	}
	if err := cxlcsv.WriteAll(dir, d); err != nil {
		return nil, err
	}
	if err := writeQA(filepath.Join(dir, QAFile), final.Records, o.qa); err != nil {
		return nil, err
	}
	c := &Counts{MetadataRows: cat.Rows, Selected: len(cat.Records), Images: len(final.Records),
		Splits: map[string]int{}, Excluded: map[string]int{}, Flags: map[string]int{}}
	for _, r := range final.Records {
		c.Splits[r.Split]++
	}
	for _, e := range o.exclusions {
		c.Excluded[e.Reason]++
	}
	for _, q := range o.qa {
		for _, f := range q.Flags() {
			c.Flags[f]++
		}
	}
	return c, nil
}

// writeQA writes CXLSeg-qa.csv atomically; rs and qa are parallel and in
// canonical order.
func writeQA(path string, rs []catalog.Record, qa []*QA) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(qaHeader())
	for i := range rs {
		r := &rs[i]
		q := qa[i]
		if q == nil {
			q = &QA{}
		}
		it := Item{DicomID: r.DicomID, SubjectID: r.SubjectID, StudyID: r.StudyID, DicomPath: r.DicomPath}
		w.Write(qaRow(&it, q))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFileAtomic(path, []byte(b.String()))
}

// writeShardPartial writes the shard's own QA and exclusion CSVs into its
// state folder, for inspection before the merge.
func writeShardPartial(dir string, o *outcome) error {
	if err := writeQA(filepath.Join(dir, QAFile), o.records, o.qa); err != nil {
		return err
	}
	return cxlcsv.WriteExclusions(filepath.Join(dir, cxlcsv.ExclusionsFile), o.exclusions)
}
