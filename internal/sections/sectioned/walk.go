package sectioned

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/mimic"
)

// maxReportBytes bounds one report; MIMIC's are a few kilobytes.
const maxReportBytes = mimic.MaxReportBytes

// VisitFunc receives one report: study is the value for the study column
// ("s" + study id for MIMIC files), where names the file (and entry or
// row) for messages.
type VisitFunc func(study, where string, text []byte) error

// reportName is a report found by a walk.
type reportName struct {
	subject, study uint64
	studyID        string
	path           string // file path, or zip entry name
	file           *zip.File
}

// parseName recognises a report's name with mimic.ParseReportName.
func parseName(name string) (reportName, bool) {
	subID, stuID, ok := mimic.ParseReportName(name)
	if !ok {
		return reportName{}, false
	}
	sub, _ := mimic.ParseID(subID)
	stu, _ := mimic.ParseID(stuID)
	return reportName{subject: sub, study: stu, studyID: stuID, path: name}, true
}

// checkUnique returns an error naming both files when two sorted names are
// the report of the same study: which text is the report cannot be decided.
func checkUnique(names []reportName, where string) error {
	for i := 1; i < len(names); i++ {
		if a, b := names[i-1], names[i]; a.subject == b.subject && a.study == b.study {
			return fmt.Errorf("reports %s: %q and %q are both the report of study %s: %w", where, a.path, b.path, b.studyID, mimic.ErrDuplicateReport)
		}
	}
	return nil
}

func sortNames(names []reportName) {
	sort.Slice(names, func(i, j int) bool {
		if names[i].subject != names[j].subject {
			return names[i].subject < names[j].subject
		}
		if names[i].study != names[j].study {
			return names[i].study < names[j].study
		}
		return names[i].path < names[j].path
	})
}

// Walk visits the reports under path: a folder tree holding
// pXX/pSUBJECT/sSTUDY.txt at any depth (MIMIC-CXR's files/ layout), or a
// zip archive such as mimic-cxr-reports.zip. Files that do not look like
// reports are ignored; symbolic links are not followed.
func Walk(path string, visit VisitFunc) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if st.IsDir() {
		return walkDir(path, visit)
	}
	return walkZip(path, visit)
}

func walkDir(root string, visit VisitFunc) error {
	var names []reportName
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if n, ok := parseName(filepath.ToSlash(rel)); ok {
			n.path = p
			names = append(names, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sortNames(names)
	if err := checkUnique(names, root); err != nil {
		return err
	}
	for _, n := range names {
		text, err := readFile(n.path)
		if err != nil {
			return err
		}
		if err := visit("s"+n.studyID, n.path, text); err != nil {
			return err
		}
	}
	return nil
}

func readFile(path string) ([]byte, error) {
	f, err := safeio.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	return readLimited(f, path)
}

func readLimited(r io.Reader, where string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", where, err)
	}
	if len(b) > maxReportBytes {
		return nil, fmt.Errorf("read report %s: larger than %d bytes", where, maxReportBytes)
	}
	return b, nil
}

func walkZip(path string, visit VisitFunc) error {
	file, err := safeio.Open(path)
	if err != nil {
		return fmt.Errorf("open reports %s: %w", path, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return fmt.Errorf("open reports %s: %w", path, err)
	}
	zr, err := zip.NewReader(file, st.Size())
	if err != nil {
		return fmt.Errorf("open reports %s: %w", path, err)
	}
	var names []reportName
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if n, ok := parseName(f.Name); ok {
			n.file = f
			names = append(names, n)
		}
	}
	sortNames(names)
	if err := checkUnique(names, path); err != nil {
		return err
	}
	for _, n := range names {
		where := path + ":" + n.path
		if n.file.UncompressedSize64 > maxReportBytes {
			return fmt.Errorf("read report %s: larger than %d bytes", where, maxReportBytes)
		}
		rc, err := n.file.Open()
		if err != nil {
			return fmt.Errorf("read report %s: %w", where, err)
		}
		text, err := readLimited(rc, where)
		rc.Close()
		if err != nil {
			return err
		}
		if err := visit("s"+n.studyID, where, text); err != nil {
			return err
		}
	}
	return nil
}

// WalkCSV visits the report texts in column textCol of a CSV file (plain
// or .gz), using column idCol as the study value (the first column when
// idCol is "").
func WalkCSV(path, idCol, textCol string, visit VisitFunc) error {
	rc, err := mimic.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	r := csv.NewReader(rc)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s: header: %w", path, err)
	}
	ti, ii := -1, 0
	for i, h := range header {
		if h == textCol {
			ti = i
		}
		if idCol != "" && h == idCol {
			ii = i
		}
	}
	if ti < 0 {
		return fmt.Errorf("read %s: no column %q (columns: %s)", path, textCol, strings.Join(header, ", "))
	}
	if idCol != "" && header[ii] != idCol {
		return fmt.Errorf("read %s: no column %q (columns: %s)", path, idCol, strings.Join(header, ", "))
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		line, _ := r.FieldPos(ti)
		if err := visit(rec[ii], fmt.Sprintf("%s:%d", path, line), []byte(rec[ti])); err != nil {
			return err
		}
	}
}
