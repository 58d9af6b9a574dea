package mimic

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeZip(t *testing.T, entries map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mimic-cxr-reports.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// TestReportZipPrefixes reads reports from zips whose entry names carry
// MIMIC's files/ prefix, a longer prefix, or none.
func TestReportZipPrefixes(t *testing.T) {
	for _, prefix := range []string{"files/", "mimic-cxr-reports/files/", ""} {
		p := writeZip(t, map[string]string{
			prefix + "p10/p10000032/s50414267.txt": "report one",
			prefix + "p10/p10000032/s50414268.txt": "report two",
			prefix + "p11/p10000033/s50414269.txt": "wrong top folder: ignored",
			prefix + "p10/p10000032/notes.txt":     "ignored",
			prefix + "p10/p10000032/":              "",
			"cxr-record-list.csv.gz":               "ignored",
		})
		src, err := OpenReports(p)
		if err != nil {
			t.Fatal(err)
		}
		z := src.(*ReportZip)
		if z.Len() != 2 {
			t.Errorf("prefix %q: indexed %d reports, want 2", prefix, z.Len())
		}
		b, err := src.Report("10000032", "50414268")
		if err != nil || string(b) != "report two" {
			t.Errorf("prefix %q: got %q, %v", prefix, b, err)
		}
		if _, err := src.Report("10000033", "50414269"); !errors.Is(err, ErrNotFound) {
			t.Errorf("prefix %q: misplaced report: %v, want ErrNotFound", prefix, err)
		}
		src.Close()
	}
}

func TestReportDir(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "files/p10/p10000032/s50414267.txt")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("text \xff"), 0o644)
	big := filepath.Join(root, "files/p10/p10000032/s50414268.txt")
	os.WriteFile(big, []byte(strings.Repeat("x", MaxReportBytes+1)), 0o644)
	for _, r := range []string{root, filepath.Join(root, "files")} {
		src, err := OpenReports(r)
		if err != nil {
			t.Fatal(err)
		}
		b, err := src.Report("10000032", "50414267")
		if err != nil || string(b) != "text \xff" {
			t.Errorf("root %s: got %q, %v (bytes must come back raw)", r, b, err)
		}
		if _, err := src.Report("10000032", "59999999"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing report: %v", err)
		}
		if _, err := src.Report("10000032", "50414268"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("oversized report: %v", err)
		}
		if _, err := src.Report("../10000032", "50414267"); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("bad subject id: %v", err)
		}
	}
}

func TestOpenReportsErrors(t *testing.T) {
	if _, err := OpenReports(filepath.Join(t.TempDir(), "none.zip")); err == nil {
		t.Error("missing path accepted")
	}
	p := filepath.Join(t.TempDir(), "mimic-cxr-reports.zip")
	os.WriteFile(p, []byte("PK\x03\x04 not really a zip"), 0o644)
	if _, err := OpenReports(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("corrupt zip: %v", err)
	}
}
