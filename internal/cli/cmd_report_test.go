package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// fakeDataset writes the fake built dataset for command tests.
func fakeDataset(t *testing.T, opt datasettest.Options) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := datasettest.Write(dir, opt); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportCommand(t *testing.T) {
	dir := fakeDataset(t, datasettest.Options{})
	custom := filepath.Join(t.TempDir(), "qa.html")
	tests := []struct {
		args []string
		code int
		file string // written file, "" for none
		err  string
	}{
		{[]string{"report", dir}, 0, filepath.Join(dir, "report.html"), ""},
		{[]string{"report", dir, "--out", custom, "--sample", "3", "--seed", "9"}, 0, custom, ""},
		{[]string{"report", "--sample", "0", "--worst", "0", dir}, 0, filepath.Join(dir, "report.html"), ""},
		{[]string{"report"}, 2, "", "want exactly one dataset directory"},
		{[]string{"report", dir, dir}, 2, "", "want exactly one"},
		{[]string{"report", dir, "--sample", "x"}, 2, "", "invalid value"},
		{[]string{"report", filepath.Join(dir, "nope")}, 1, "", "CXLSeg-segmented.csv"},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		code := Run(tt.args, &o, &e)
		if code != tt.code || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stderr %q; want %d, %q", tt.args, code, e.String(), tt.code, tt.err)
		}
		if tt.file != "" {
			b, err := os.ReadFile(tt.file)
			if err != nil || !bytes.Contains(b, []byte("CXLSeg dataset report")) || !strings.Contains(o.String(), "wrote "+tt.file) {
				t.Errorf("Run(%q): %s (%v), stdout %q", tt.args, tt.file, err, o.String())
			}
		}
	}
}

func TestExportCommand(t *testing.T) {
	dir := fakeDataset(t, datasettest.Options{NoImages: true})
	out := t.TempDir()
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"export", "--data", dir, "--task", "classification", "--out", out, "--uncertain", "ones"}, 0, ""},
		{[]string{"export", "--data", dir, "--task", "segmentation", "--out", out}, 0, ""},
		{[]string{"export", "--data", dir, "--out", out}, 2, "required"},
		{[]string{"export", "--data", dir, "--task", "detection", "--out", out}, 2, "detection"},
		{[]string{"export", "--data", dir, "--task", "classification", "--uncertain", "maybe", "--out", out}, 2, "maybe"},
		{[]string{"export", "--data", dir, "--task", "classification", "--missing", "nan", "--out", out}, 2, "nan"},
		{[]string{"export", "--data", dir, "--task", "segmentation", "--out", out, "extra"}, 2, "unexpected argument"},
		{[]string{"export", "--data", out, "--task", "segmentation", "--out", out}, 1, "CXLSeg-"},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		if code := Run(tt.args, &o, &e); code != tt.code || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stderr %q; want %d, %q", tt.args, code, e.String(), tt.code, tt.err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "train.csv"))
	if err != nil || !strings.HasPrefix(string(b), "DicomPath,DicomPathMask\n") {
		t.Errorf("train.csv after the segmentation export: %q (%v)", b, err)
	}
}
