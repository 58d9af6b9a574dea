// Package mimictest writes small and large MIMIC-CXR-JPG-shaped inputs for
// the tests and benchmarks of the data layer: hand-specified trees (CSVs,
// image files, report files or zip) and large synthetic CSVs.
package mimictest

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// MetadataHeader is MIMIC-CXR-JPG v2's metadata header.
var MetadataHeader = []string{"dicom_id", "subject_id", "study_id", "PerformedProcedureStepDescription",
	"ViewPosition", "Rows", "Columns", "StudyDate", "StudyTime", "ProcedureCodeSequence_CodeMeaning",
	"ViewCodeSequence_CodeMeaning", "PatientOrientationCodeSequence_CodeMeaning"}

// MetadataRow returns a plausible metadata CSV line (no newline) for an
// image; the ids are written as given, unvalidated, so tests can pass bad
// ones.
func MetadataRow(dicom, subject, study, view string) string {
	code := map[string]string{"PA": "postero-anterior", "AP": "antero-posterior", "LATERAL": "lateral", "LL": "left lateral"}[view]
	return fmt.Sprintf("%s,%s,%s,CHEST (PA AND LAT),%s,3056,2544,21800506,213014.531,CHEST (PA AND LAT),%s,Erect",
		dicom, subject, study, view, code)
}

// Image is one image of a hand-built tree.
type Image struct {
	Dicom, Subject, Study, View string
	Split                       string // "" leaves it out of the split file
	NoFile                      bool   // do not create the image file
	SplitStudy                  string // study_id written in the split file, if not Study
}

// Tree describes a hand-built MIMIC tree.
type Tree struct {
	Images []Image
	// Labels maps study_id to the 14 values in alphabetical label order;
	// studies absent get no label row.
	Labels map[string][]string
	// Reports maps study_id to the report text; absent studies get none.
	Reports map[string]string
	// Gzip writes the CSVs gzip-compressed with a .gz name.
	Gzip bool
	// ImageFilenames writes IMAGE_FILENAMES listing the created images.
	ImageFilenames bool
}

// Write creates the tree under root: the metadata, split, chexpert and
// negbio CSVs, tiny placeholder .jpg files, and report .txt files under
// root/reports/files. It returns the reports root.
func (tr Tree) Write(root string) (reportsRoot string, err error) {
	var md, sp strings.Builder
	md.WriteString(strings.Join(MetadataHeader, ",") + "\n")
	sp.WriteString("dicom_id,study_id,subject_id,split\n")
	var listed []string
	subjectOf := map[string]string{}
	var studies []string
	for _, im := range tr.Images {
		md.WriteString(MetadataRow(im.Dicom, im.Subject, im.Study, im.View) + "\n")
		if im.Split != "" {
			st := im.Study
			if im.SplitStudy != "" {
				st = im.SplitStudy
			}
			fmt.Fprintf(&sp, "%s,%s,%s,%s\n", im.Dicom, st, im.Subject, im.Split)
		}
		if _, ok := subjectOf[im.Study]; !ok {
			studies = append(studies, im.Study)
		}
		subjectOf[im.Study] = im.Subject
		if im.NoFile {
			continue
		}
		rel := "files/" + ("p" + im.Subject)[:min(3, len(im.Subject)+1)] + "/p" + im.Subject + "/s" + im.Study + "/" + im.Dicom + ".jpg"
		if err := writeFile(filepath.Join(root, filepath.FromSlash(rel)), []byte("\xff\xd8\xff\xd9"), false); err != nil {
			return "", err
		}
		listed = append(listed, rel)
	}
	var lb strings.Builder
	lb.WriteString("subject_id,study_id," + strings.Join(chexpert.Alphabetical[:], ",") + "\n")
	for _, st := range studies {
		if v, ok := tr.Labels[st]; ok {
			lb.WriteString(subjectOf[st] + "," + st + "," + strings.Join(v, ",") + "\n")
		}
	}
	ext := ""
	if tr.Gzip {
		ext = ".gz"
	}
	for name, body := range map[string]string{
		"mimic-cxr-2.0.0-metadata.csv": md.String(), "mimic-cxr-2.0.0-split.csv": sp.String(),
		"mimic-cxr-2.0.0-chexpert.csv": lb.String(), "mimic-cxr-2.0.0-negbio.csv": lb.String(),
	} {
		if err := writeFile(filepath.Join(root, name+ext), []byte(body), tr.Gzip); err != nil {
			return "", err
		}
	}
	if tr.ImageFilenames {
		if err := writeFile(filepath.Join(root, "IMAGE_FILENAMES"), []byte(strings.Join(listed, "\n")+"\n"), false); err != nil {
			return "", err
		}
	}
	reportsRoot = filepath.Join(root, "reports")
	for _, st := range studies {
		text, ok := tr.Reports[st]
		if !ok {
			continue
		}
		sub := subjectOf[st]
		rel := "files/" + ("p" + sub)[:3] + "/p" + sub + "/s" + st + ".txt"
		if err := writeFile(filepath.Join(reportsRoot, filepath.FromSlash(rel)), []byte(text), false); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(reportsRoot, 0o755); err != nil {
		return "", err
	}
	return reportsRoot, nil
}

// WriteZip writes the report files of a reports root into a zip at path,
// each entry named prefix + its path relative to the root's files/ folder
// (prefix "files/" gives MIMIC's layout).
func WriteZip(path, reportsRoot, prefix string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	base := filepath.Join(reportsRoot, "files")
	err = filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		w, err := zw.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeFile creates path (and its folders) holding b, gzip-compressed when gz.
func writeFile(path string, b []byte, gz bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
	}
	if _, err := w.Write(b); err != nil {
		f.Close()
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// Report returns a short report in MIMIC-CXR's layout with the given
// findings and impression ("" leaves a section out).
func Report(findings, impression string) string {
	var b strings.Builder
	b.WriteString("                                 FINAL REPORT\n")
	b.WriteString(" EXAMINATION:  CHEST (PA AND LAT)\n \n")
	b.WriteString(" INDICATION:  ___ year old woman with cough.\n \n")
	b.WriteString(" COMPARISON:  None.\n \n")
	if findings != "" {
		b.WriteString(" FINDINGS: \n \n " + findings + "\n \n")
	}
	if impression != "" {
		b.WriteString(" IMPRESSION: \n \n " + impression + "\n")
	}
	return b.String()
}

// LargeCounts describes a generated large input.
type LargeCounts struct {
	Rows, Studies, Subjects, Frontal int
}

// WriteLarge writes synthetic metadata, split and chexpert CSVs with n
// metadata rows into dir (gzip when gz), plus IMAGE_FILENAMES listing
// every image (no image files are made), streaming so that memory stays
// flat. The shape follows MIMIC: about 1.65 images per study, 3.5 studies
// per patient, about 65 % AP/PA views. It is deterministic.
func WriteLarge(dir string, n int, gz bool) (LargeCounts, error) {
	var c LargeCounts
	ext := ""
	if gz {
		ext = ".gz"
	}
	open := func(name string) (*bufio.Writer, func() error, error) {
		f, err := os.Create(filepath.Join(dir, name+ext))
		if err != nil {
			return nil, nil, err
		}
		var w io.Writer = f
		var zw *gzip.Writer
		if gz {
			zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
			w = zw
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		return bw, func() error {
			if err := bw.Flush(); err != nil {
				return err
			}
			if zw != nil {
				if err := zw.Close(); err != nil {
					return err
				}
			}
			return f.Close()
		}, nil
	}
	md, closeMD, err := open("mimic-cxr-2.0.0-metadata.csv")
	if err != nil {
		return c, err
	}
	sp, closeSP, err := open("mimic-cxr-2.0.0-split.csv")
	if err != nil {
		return c, err
	}
	lb, closeLB, err := open("mimic-cxr-2.0.0-chexpert.csv")
	if err != nil {
		return c, err
	}
	ext = "" // IMAGE_FILENAMES is plain in MIMIC
	fl, closeFL, err := open("IMAGE_FILENAMES")
	if err != nil {
		return c, err
	}
	md.WriteString(strings.Join(MetadataHeader, ",") + "\n")
	sp.WriteString("dicom_id,study_id,subject_id,split\n")
	lb.WriteString("subject_id,study_id," + strings.Join(chexpert.Alphabetical[:], ",") + "\n")
	vals := []string{"1.0", "0.0", "-1.0", "", "", ""}
	x := uint64(0x243f6a8885a308d3) // xorshift state: fixed, so the files are too
	rnd := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	subject, study := uint64(10000000), uint64(50000000)
	for c.Rows < n {
		subject += 1 + rnd()%3
		c.Subjects++
		for ns := 1 + int(rnd()%6); ns > 0 && c.Rows < n; ns-- {
			study += 1 + rnd()%97
			c.Studies++
			sub, stu := fmt.Sprint(subject), fmt.Sprint(study)
			fmt.Fprintf(lb, "%s,%s", sub, stu)
			for range chexpert.Alphabetical {
				lb.WriteString("," + vals[rnd()%uint64(len(vals))])
			}
			lb.WriteString("\n")
			for ni := 1 + int(rnd()%2) + int(rnd()%3/2); ni > 0 && c.Rows < n; ni-- {
				r := rnd()
				dicom := fmt.Sprintf("%08x-%08x-%08x-%08x-%08x", uint32(r), uint32(r>>32), uint32(rnd()), uint32(rnd()), uint32(c.Rows))
				view := [...]string{"PA", "AP", "LATERAL", "AP", "PA", "LL", "AP", "LATERAL", "PA", "", "AP", "LATERAL", "AP", "PA", "AP AXIAL", "LATERAL", "PA", "AP", "PA", "LATERAL"}[r%20]
				if view == "AP" || view == "PA" {
					c.Frontal++
				}
				md.WriteString(MetadataRow(dicom, sub, stu, view) + "\n")
				split := "train"
				if r%100 == 0 {
					split = "validate"
				} else if r%100 == 1 {
					split = "test"
				}
				fmt.Fprintf(sp, "%s,%s,%s,%s\n", dicom, stu, sub, split)
				fmt.Fprintf(fl, "files/%s/p%s/s%s/%s.jpg\n", "p"+sub[:2], sub, stu, dicom)
				c.Rows++
			}
		}
	}
	for _, cl := range []func() error{closeMD, closeSP, closeLB, closeFL} {
		if err := cl(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// SyntheticReports is a mimic.ReportSource that makes a short report for
// any study, so large runs need no report files.
type SyntheticReports struct{}

// Report returns a report mentioning the study.
func (SyntheticReports) Report(subject, study string) ([]byte, error) {
	return []byte(Report("The lungs are clear. No pleural effusion or pneumothorax. Study "+study+".",
		"No acute cardiopulmonary process.")), nil
}

// Close does nothing.
func (SyntheticReports) Close() error { return nil }
