package sample

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// Options configures Write.
type Options struct {
	// Phantoms is the number of synthetic phantom studies to add (one
	// PA image of 2544x3056 each, with a lung mask and a report).
	Phantoms int
	// Seed chooses the phantoms (ids, anatomy, noise, reports). The base
	// tree does not depend on it.
	Seed uint64
	// Workers renders phantoms in parallel; 0 means GOMAXPROCS.
	Workers int
}

// Image describes one metadata row of the written tree.
type Image struct {
	DicomID, SubjectID, StudyID string
	ViewPosition                string
	Path                        string // files/pXX/pSUBJECT/sSTUDY/DICOM.jpg (absent for missing_image)
	Mask                        string // phantom-masks/...png for phantoms, else ""
	Source                      string // "demo/<file>", "placeholder", "phantom" or "missing"
	Split                       string // official split of the row
	Expect                      string // Expect* constant: what selection should do
}

// Summary says what Write produced.
type Summary struct {
	Dir      string
	Subjects int
	Studies  int
	Reports  int // report files written (including the empty one)
	Phantoms int
	Images   []Image // in metadata order
}

// Count returns the number of images with the given Expect value.
func (s Summary) Count(expect string) int {
	n := 0
	for _, im := range s.Images {
		if im.Expect == expect {
			n++
		}
	}
	return n
}

// File names of the tree, as MIMIC-CXR-JPG v2 names them.
const (
	MetadataFile       = "mimic-cxr-2.0.0-metadata.csv.gz"
	SplitFile          = "mimic-cxr-2.0.0-split.csv.gz"
	ChexpertFile       = "mimic-cxr-2.0.0-chexpert.csv.gz"
	NegbioFile         = "mimic-cxr-2.0.0-negbio.csv.gz"
	ImageFilenamesFile = "IMAGE_FILENAMES"
	ReportsZipFile     = "mimic-cxr-reports.zip"
	PhantomIndexFile   = "phantoms.csv"
)

// metadataColumns are the columns of mimic-cxr-2.0.0-metadata.csv.
var metadataColumns = []string{"dicom_id", "subject_id", "study_id", "PerformedProcedureStepDescription",
	"ViewPosition", "Rows", "Columns", "StudyDate", "StudyTime", "ProcedureCodeSequence_CodeMeaning",
	"ViewCodeSequence_CodeMeaning", "PatientOrientationCodeSequence_CodeMeaning"}

// Write writes the sample tree into dir (created if needed). Files are
// written atomically; existing files of the same names are replaced and
// nothing else in dir is touched.
func Write(dir string, opt Options) (Summary, error) {
	sum := Summary{Dir: dir}
	if opt.Phantoms < 0 {
		return sum, fmt.Errorf("sample: negative phantom count %d", opt.Phantoms)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, fmt.Errorf("sample: %w", err)
	}
	used := map[string]bool{}
	studies, err := planBase(used)
	if err != nil {
		return sum, err
	}
	ph := planPhantoms(opt.Phantoms, opt.Seed, used)
	for _, p := range ph {
		studies = append(studies, *p.study)
	}
	sort.SliceStable(studies, func(i, j int) bool {
		if studies[i].subject != studies[j].subject {
			return studies[i].subject < studies[j].subject
		}
		return studies[i].study < studies[j].study
	})

	// Image and report files of the base tree; phantoms render below.
	for _, s := range studies {
		for _, im := range s.images {
			if im.data == nil {
				continue
			}
			p := filepath.Join(dir, filepath.FromSlash(imagePath(s.subject, s.study, im.dicom)))
			if err := writeFileAtomic(p, im.data); err != nil {
				return sum, err
			}
		}
		if s.report != nil {
			p := filepath.Join(dir, filepath.FromSlash(reportPath(s.subject, s.study)))
			if err := writeFileAtomic(p, s.report); err != nil {
				return sum, err
			}
			sum.Reports++
		}
	}
	if err := renderPhantoms(dir, ph, workers); err != nil {
		return sum, err
	}

	tables := []struct {
		name string
		rows [][]string
	}{
		{MetadataFile, metadataRows(studies)},
		{SplitFile, splitRows(studies)},
		{ChexpertFile, labelRows(studies, false)},
		{NegbioFile, labelRows(studies, true)},
	}
	for _, t := range tables {
		if err := writeCSVGz(filepath.Join(dir, t.name), t.rows); err != nil {
			return sum, err
		}
	}
	if len(ph) > 0 {
		if err := writeCSV(filepath.Join(dir, PhantomIndexFile), phantomIndex(ph)); err != nil {
			return sum, err
		}
	}
	var names strings.Builder
	for _, s := range studies {
		for _, im := range s.images {
			if im.data != nil || im.source == "phantom" {
				names.WriteString(imagePath(s.subject, s.study, im.dicom) + "\n")
			}
		}
	}
	if err := writeFileAtomic(filepath.Join(dir, ImageFilenamesFile), []byte(names.String())); err != nil {
		return sum, err
	}
	zipData, err := reportsZip(studies)
	if err != nil {
		return sum, err
	}
	if err := writeFileAtomic(filepath.Join(dir, ReportsZipFile), zipData); err != nil {
		return sum, err
	}
	if err := writeFileAtomic(filepath.Join(dir, "ATTRIBUTION.md"), Attribution()); err != nil {
		return sum, err
	}
	if err := writeFileAtomic(filepath.Join(dir, "README.txt"), []byte(readme)); err != nil {
		return sum, err
	}

	subjects := map[string]bool{}
	for _, s := range studies {
		subjects[s.subject] = true
		for _, im := range s.images {
			out := Image{DicomID: im.dicom, SubjectID: s.subject, StudyID: s.study, ViewPosition: im.view,
				Source: im.source, Split: s.split, Expect: im.expect}
			if im.data != nil || im.source == "phantom" {
				out.Path = imagePath(s.subject, s.study, im.dicom)
			}
			if im.source == "phantom" {
				out.Mask = phantomMaskPath(out.Path)
			}
			sum.Images = append(sum.Images, out)
		}
	}
	sum.Subjects, sum.Studies, sum.Phantoms = len(subjects), len(studies), len(ph)
	return sum, nil
}

// imagePath is MIMIC-CXR-JPG's files/pXX/pSUBJECT/sSTUDY/DICOM.jpg.
func imagePath(subject, study, dicom string) string {
	return "files/p" + subject[:2] + "/p" + subject + "/s" + study + "/" + dicom + ".jpg"
}

// reportPath is MIMIC-CXR's files/pXX/pSUBJECT/sSTUDY.txt.
func reportPath(subject, study string) string {
	return "files/p" + subject[:2] + "/p" + subject + "/s" + study + ".txt"
}

func metadataRows(studies []plannedStudy) [][]string {
	rows := [][]string{metadataColumns}
	for _, s := range studies {
		for _, im := range s.images {
			rows = append(rows, []string{im.dicom, s.subject, s.study, s.procedure, im.view,
				strconv.Itoa(im.rows), strconv.Itoa(im.cols), s.date, s.time, s.procedure,
				im.viewCode, im.orientation})
		}
	}
	return rows
}

func splitRows(studies []plannedStudy) [][]string {
	rows := [][]string{{"dicom_id", "study_id", "subject_id", "split"}}
	for _, s := range studies {
		for _, im := range s.images {
			rows = append(rows, []string{im.dicom, s.study, s.subject, s.split})
		}
	}
	return rows
}

// labelRows writes the chexpert or negbio table: one row per labelled
// study (studies without labels, such as those without a usable report,
// have no row, as in MIMIC), labels in alphabetical order.
func labelRows(studies []plannedStudy, negbio bool) [][]string {
	header := append([]string{"subject_id", "study_id"}, chexpert.Alphabetical[:]...)
	rows := [][]string{header}
	for _, s := range studies {
		labels := s.chexpert
		if negbio && s.negbio != nil {
			labels = s.negbio
		}
		if labels == nil {
			continue
		}
		row := []string{s.subject, s.study}
		for _, name := range chexpert.Alphabetical {
			row = append(row, labels[name])
		}
		rows = append(rows, row)
	}
	return rows
}

// reportsZip packs the reports as mimic-cxr-reports.zip does, with a fixed
// modification time so the archive's bytes are reproducible.
func reportsZip(studies []plannedStudy) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	mod := time.Date(2019, 9, 18, 0, 0, 0, 0, time.UTC)
	for _, s := range studies {
		if s.report == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: reportPath(s.subject, s.study), Method: zip.Deflate, Modified: mod})
		if err != nil {
			return nil, fmt.Errorf("sample: %s: %w", ReportsZipFile, err)
		}
		if _, err := w.Write(s.report); err != nil {
			return nil, fmt.Errorf("sample: %s: %w", ReportsZipFile, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("sample: %s: %w", ReportsZipFile, err)
	}
	return buf.Bytes(), nil
}

func csvBytes(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeCSV(path string, rows [][]string) error {
	b, err := csvBytes(rows)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFileAtomic(path, b)
}

// writeCSVGz writes a gzip-compressed CSV. The gzip header carries no
// name or time, so the bytes are reproducible.
func writeCSVGz(path string, rows [][]string) error {
	b, err := csvBytes(rows)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data to path atomically (package atomicfile),
// creating the folder if needed.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// readme describes the tree to whoever opens it.
const readme = `cxlseg sample tree (made by "cxlseg sample")

A small tree shaped like MIMIC-CXR-JPG v2.0.0 plus MIMIC-CXR's report
files, for demonstrations and tests. Ids, dates, metadata, labels and
report texts are invented. The twelve radiographs from demo sources are
CC BY 3.0 (see ATTRIBUTION.md); placeholder and phantom images are
synthetic.

  mimic-cxr-2.0.0-metadata.csv.gz   one row per image
  mimic-cxr-2.0.0-split.csv.gz      official-style split per image
  mimic-cxr-2.0.0-chexpert.csv.gz   labels per study (alphabetical)
  mimic-cxr-2.0.0-negbio.csv.gz     labels per study (alphabetical)
  IMAGE_FILENAMES                   the image files present
  files/pXX/pSUBJECT/sSTUDY/*.jpg   images
  files/pXX/pSUBJECT/sSTUDY.txt     reports (also in mimic-cxr-reports.zip)
  phantom-masks/...png, phantoms.csv  lung masks of phantoms, if any

Selection has work to do: lateral, LL, AP AXIAL and blank views; one
frontal study without a report file; one with an empty report; one
metadata row whose image file is missing.
`
