package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/sample"
)

func TestLabelCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("dicom_id,Reports\nd1,Stable mild cardiomegaly.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	var o, e bytes.Buffer
	if code := Run([]string{"label", "--csv", in, "--out", out}, &o, &e); code != 0 {
		t.Fatalf("label --csv: exit %d: %s", code, e.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "dicom_id,Atelectasis,Cardiomegaly,") || !strings.Contains(string(got), "d1,,1.0,") {
		t.Errorf("label --csv wrote %q", got)
	}

	tree := filepath.Join(dir, "mimic")
	if _, err := sample.Write(tree, sample.Options{}); err != nil {
		t.Fatal(err)
	}
	o.Reset()
	if code := Run([]string{"label", "--reports", tree, "--mode", "negbio"}, &o, &e); code != 0 {
		t.Fatalf("label --reports: exit %d: %s", code, e.String())
	}
	lines := strings.Split(strings.TrimSpace(o.String()), "\n")
	if len(lines) < 10 || !strings.HasPrefix(lines[0], "study,Atelectasis") || !strings.HasPrefix(lines[1], "s") {
		t.Errorf("label --reports printed %d lines: %q", len(lines), lines[:min(3, len(lines))])
	}

	for _, bad := range [][]string{{"label"}, {"label", "--csv", in, "--mode", "x"}, {"label", "--csv", in, "--section", "x"}} {
		if code := Run(bad, &o, &e); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}
