package mimic

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
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

// TestReportZipHostileNames: only clean relative names count as a study's
// report, and two entries for one study are an error naming both.
func TestReportZipHostileNames(t *testing.T) {
	text := " FINAL REPORT\n IMPRESSION: clear.\n"
	p := writeZip(t, map[string]string{"files/p10/p10000032/s50414267.txt": text, "../../files/p10/p10000033/s50000001.txt": text,
		"/files/p10/p10000034/s50000002.txt": text, `files\p10\p10000035\s50000003.txt`: text, "files/p10/./p10000036/s50000004.txt": text})
	z, err := OpenReportZip(p)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if z.Len() != 1 {
		t.Errorf("%d reports indexed, want only the clean name", z.Len())
	}
	if _, err := z.Report("10000033", "50000001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("../ entry taken as a report: %v", err)
	}
	p = writeZip(t, map[string]string{"files/p10/p10000032/s50414267.txt": text, "copy/files/p10/p10000032/s50414267.txt": text})
	if _, err := OpenReportZip(p); !errors.Is(err, ErrDuplicateReport) || !strings.Contains(err.Error(), "copy/files") {
		t.Errorf("duplicate entries: %v", err)
	}
}

// TestReportZipDamaged: a zip whose central directory points an entry at a
// wrong offset is refused when opened, naming the entry, instead of making
// every report unreadable.
func TestReportZipDamaged(t *testing.T) {
	p := writeZip(t, map[string]string{"files/p10/p10000032/s50414267.txt": " IMPRESSION: clear.\n"})
	b, _ := os.ReadFile(p)
	cd := bytes.Index(b, []byte("PK\x01\x02"))
	if cd < 0 {
		t.Fatal("no central directory header")
	}
	binary.LittleEndian.PutUint32(b[cd+42:], 7) // local header offset
	os.WriteFile(p, b, 0o644)
	if _, err := OpenReportZip(p); err == nil || !strings.Contains(err.Error(), "s50414267.txt") {
		t.Errorf("damaged zip: %v", err)
	}
}
