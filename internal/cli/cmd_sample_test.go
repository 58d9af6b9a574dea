package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleThenSections runs `cxlseg sample` and `cxlseg sections` on its
// reports, by folder and by zip, and checks both outputs agree.
func TestSampleThenSections(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	var o, e bytes.Buffer
	if code := Run([]string{"sample", "--out", tree}, &o, &e); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, e.String())
	}
	if !strings.Contains(o.String(), "12 frontal with report") {
		t.Errorf("sample summary: %s", o.String())
	}
	var outs [][]byte
	for _, src := range []string{tree, filepath.Join(tree, "mimic-cxr-reports.zip")} {
		out := filepath.Join(dir, "sectioned.csv")
		o.Reset()
		e.Reset()
		if code := Run([]string{"sections", "--reports", src, "--out", out}, &o, &e); code != 0 {
			t.Fatalf("sections %s: exit %d: %s", src, code, e.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "study,impression,findings,last_paragraph,comparison\n") {
			t.Errorf("header: %q", strings.SplitN(string(data), "\n", 2)[0])
		}
		// 14 reports: 13 with text plus the empty one.
		if n := strings.Count(string(data), "\ns5"); n != 14 {
			t.Errorf("%s: %d study rows, want 14", src, n)
		}
		outs = append(outs, data)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("folder and zip give different CSVs")
	}
}

func TestSectionsUsage(t *testing.T) {
	tests := [][]string{
		{"sections"},
		{"sections", "--reports", "a", "--csv", "b"},
		{"sections", "extra"},
		{"sample", "--phantoms", "-1"},
	}
	for _, args := range tests {
		var o, e bytes.Buffer
		if code := Run(args, &o, &e); code != 2 {
			t.Errorf("Run(%q) = %d, want 2 (stderr %q)", args, code, e.String())
		}
	}
	var o, e bytes.Buffer
	if code := Run([]string{"sections", "--reports", filepath.Join(t.TempDir(), "absent"), "--out", filepath.Join(t.TempDir(), "x.csv")}, &o, &e); code != 1 || !strings.Contains(e.String(), "absent") {
		t.Errorf("missing input: exit %d, stderr %q", code, e.String())
	}
}

// TestNeverWriteOverInputs: `sample` refuses a non-empty folder unless
// --force, and `build` refuses an --out that is the MIMIC tree; the user's
// files and the originals stay as they were.
func TestNeverWriteOverInputs(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(tree, 0o755)
	readme := filepath.Join(tree, "my-notes.txt")
	os.WriteFile(readme, []byte("mine"), 0o644)
	var o, e bytes.Buffer
	if code := Run([]string{"sample", "--out", tree}, &o, &e); code != 1 || !strings.Contains(e.String(), "not empty") {
		t.Fatalf("sample into a non-empty folder: exit %d: %s", code, e.String())
	}
	if code := Run([]string{"sample", "--out", tree, "--force"}, &o, &e); code != 0 {
		t.Fatalf("sample --force: exit %d: %s", code, e.String())
	}
	if b, _ := os.ReadFile(readme); string(b) != "mine" {
		t.Errorf("my-notes.txt now %q", b)
	}
	imgs, _ := filepath.Glob(filepath.Join(tree, "files", "p1*", "p*", "s*", "*.jpg"))
	if len(imgs) == 0 {
		t.Fatal("no sample image")
	}
	before, _ := os.ReadFile(imgs[0])
	e.Reset()
	if code := Run([]string{"build", "--mimic", tree, "--out", tree, "--backend", "native"}, &o, &e); code == 0 || !strings.Contains(e.String(), "same folder") {
		t.Fatalf("build --out = --mimic: exit %d: %s", code, e.String())
	}
	if after, _ := os.ReadFile(imgs[0]); !bytes.Equal(before, after) {
		t.Errorf("%s was changed", imgs[0])
	}
}
