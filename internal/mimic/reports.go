package mimic

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"
)

// MaxReportBytes bounds one report's size. MIMIC-CXR reports are a few
// kilobytes; a larger entry is a damaged or hostile archive and is refused
// rather than read into memory.
const MaxReportBytes = 1 << 20

// ReportSource gives the raw text of a study's report. Implementations are
// safe for concurrent use.
type ReportSource interface {
	// Report returns the report bytes for (subject, study), ids as in the
	// CSVs. A missing report is an error wrapping ErrNotFound.
	Report(subject, study string) ([]byte, error)
	// Close releases the source.
	Close() error
}

// OpenReports opens a report source: a folder holding files/pXX/pS/sS.txt
// (or the files/ folder itself), or mimic-cxr-reports.zip (detected by its
// "PK" signature).
func OpenReports(path string) (ReportSource, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open reports: %w", err)
	}
	if st.IsDir() {
		return OpenReportDir(path)
	}
	return OpenReportZip(path)
}

// ReportDir reads reports from a folder tree.
type ReportDir struct {
	root   string
	real   string // root with links resolved, for the symbolic-link check
	prefix bool   // whether relative paths keep their files/ prefix
}

// OpenReportDir opens a reports root: a folder containing files/, or the
// files/ folder itself (one containing p10..p19).
func OpenReportDir(root string) (*ReportDir, error) {
	real, err := safeio.Resolve(root)
	if err != nil {
		return nil, fmt.Errorf("open reports: %w", err)
	}
	st, err := os.Stat(filepath.Join(root, "files"))
	return &ReportDir{root: root, real: real, prefix: err == nil && st.IsDir()}, nil
}

// Report reads root/files/pXX/pSUBJECT/sSTUDY.txt.
func (d *ReportDir) Report(subject, study string) ([]byte, error) {
	rel, err := ReportPath(subject, study)
	if err != nil {
		return nil, fmt.Errorf("report for study %q: %w", study, err)
	}
	if !d.prefix {
		rel = strings.TrimPrefix(rel, "files/")
	}
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	// A report is text copied into the output CSVs: one reached through a
	// symbolic link that leaves the reports folder (to /etc/passwd, say)
	// is refused.
	if in, err := safeio.Inside(p, d.real); err == nil && !in {
		return nil, fmt.Errorf("read report %s: %w", p, ErrOutsideTree)
	}
	f, err := safeio.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("report %s: %w", p, ErrNotFound)
		}
		return nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	return readLimited(f, p)
}

// ErrOutsideTree is returned for a report whose file, links resolved, lies
// outside the reports folder.
var ErrOutsideTree = errors.New("a symbolic link leads outside the reports folder")

// Close does nothing; it satisfies ReportSource.
func (d *ReportDir) Close() error { return nil }

// ReportZip reads reports from mimic-cxr-reports.zip. Its entries are
// indexed once at open (memory grows with the number of studies); entry
// names may carry any prefix before pXX/pSUBJECT/sSTUDY.txt (files/,
// mimic-cxr-reports/files/, or none).
type ReportZip struct {
	path  string
	f     *os.File
	zr    *zip.Reader
	index map[string]*zip.File // "SUBJECT/STUDY"
}

// OpenReportZip opens and indexes a reports zip. Entries whose names do
// not look like pXX/pSUBJECT/sSTUDY.txt (clean relative slash paths only)
// are ignored; two entries for the same study are an error naming both
// (ErrDuplicateReport).
func OpenReportZip(path string) (*ReportZip, error) {
	file, err := safeio.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open reports %s: %w", path, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open reports %s: %w", path, err)
	}
	zr, err := zip.NewReader(file, st.Size())
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("open reports %s: %w", path, err)
	}
	z := &ReportZip{path: path, f: file, zr: zr, index: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		sub, stu, ok := ParseReportName(f.Name)
		if !ok {
			continue
		}
		// A damaged archive (a wrong offset in the central directory)
		// fails here, once, rather than as every study's report.
		if _, err := f.DataOffset(); err != nil {
			file.Close()
			return nil, fmt.Errorf("open reports %s: entry %q: %w", path, f.Name, err)
		}
		key := sub + "/" + stu
		if prev, dup := z.index[key]; dup {
			file.Close()
			return nil, fmt.Errorf("open reports %s: entries %q and %q are both the report of study %s: %w", path, prev.Name, f.Name, stu, ErrDuplicateReport)
		}
		z.index[key] = f
	}
	return z, nil
}

// parseReportName extracts the ids from a name ending in
// pXX/pSUBJECT/sSTUDY.txt, checking that pXX matches the subject.
// ParseReportName recognises a report file's slash path (relative, in a
// tree or a zip): .../pXX/pSUBJECT/sSTUDY.txt with valid ids and the right
// top folder, and returns the ids. Names with a backslash, a leading slash
// or an empty, "." or ".." element are refused.
func ParseReportName(name string) (subject, study string, ok bool) {
	// Only clean relative slash paths: no backslash, no leading slash, no
	// empty, "." or ".." element (a name such as ../../files/p10/... must
	// not pass for a study's report).
	if strings.Contains(name, `\`) || strings.HasPrefix(name, "/") {
		return "", "", false
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return "", "", false
		}
	}
	if len(parts) < 3 {
		return "", "", false
	}
	top, ps, ss := parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
	if !strings.HasPrefix(ps, "p") || !strings.HasPrefix(ss, "s") || !strings.HasSuffix(ss, ".txt") {
		return "", "", false
	}
	subject, study = ps[1:], strings.TrimSuffix(ss[1:], ".txt")
	if _, err := ParseID(subject); err != nil {
		return "", "", false
	}
	if _, err := ParseID(study); err != nil {
		return "", "", false
	}
	if top != topFolder(subject) {
		return "", "", false
	}
	return subject, study, true
}

// ErrDuplicateReport is returned when a reports zip holds two entries for
// one study: which text is the report cannot be decided.
var ErrDuplicateReport = errors.New("duplicate report entries")

// Len returns the number of indexed reports.
func (z *ReportZip) Len() int { return len(z.index) }

// Report returns the entry for (subject, study).
func (z *ReportZip) Report(subject, study string) ([]byte, error) {
	f, ok := z.index[subject+"/"+study]
	if !ok {
		return nil, fmt.Errorf("report p%s/s%s.txt in %s: %w", subject, study, z.path, ErrNotFound)
	}
	where := z.path + ":" + f.Name
	if f.UncompressedSize64 > MaxReportBytes {
		return nil, fmt.Errorf("read report %s: larger than %d bytes", where, MaxReportBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", where, err)
	}
	defer rc.Close()
	return readLimited(rc, where)
}

// Close closes the archive.
func (z *ReportZip) Close() error { return z.f.Close() }

// readLimited reads at most MaxReportBytes from r.
func readLimited(r io.Reader, where string) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, MaxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", where, err)
	}
	if n > MaxReportBytes {
		return nil, fmt.Errorf("read report %s: larger than %d bytes", where, MaxReportBytes)
	}
	return buf.Bytes(), nil
}
