package export

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// docPath is the README snippet the Python test runs.
const docPath = "../../docs/python.md"

// hasTorch says whether python has torch, found without importing it
// (importing torch takes seconds).
func hasTorch(python string) bool {
	const probe = "import importlib.util; print(importlib.util.find_spec('torch') is not None)"
	out, err := exec.Command(python, "-c", probe).Output()
	return err == nil && strings.TrimSpace(string(out)) == "True"
}

// TestPythonSnippet runs docs/python.md's snippets with /usr/bin/python3
// against exports of the fake dataset and checks what they print.
func TestPythonSnippet(t *testing.T) {
	load := testenv.DocSnippet(t, docPath, "load")
	torch := testenv.DocSnippet(t, docPath, "torch")
	python := testenv.Python(t, "numpy", "pandas", "PIL")
	withTorch := hasTorch(python)
	code := load
	switch {
	case withTorch && testing.Short():
		withTorch = false
		t.Log("-short: running the pandas/PIL snippet only (importing torch takes seconds)")
	case withTorch:
		code += "\n" + torch
	default:
		t.Logf("%s has no torch: running the pandas/PIL snippet only", python)
	}

	data := t.TempDir()
	ims, err := datasettest.Write(data, datasettest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	cls, seg := filepath.Join(t.TempDir(), "cls"), filepath.Join(t.TempDir(), "seg")
	if _, err := Write(ds, cls, Options{Task: Classification}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ds, seg, Options{Task: Segmentation}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "snippet.py")
	if err := os.WriteFile(script, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script)
	cmd.Env = append(os.Environ(), "CXLSEG_DATA="+data, "CXLSEG_CLS="+cls, "CXLSEG_SEG="+seg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("snippet failed: %v\n%s", err, out)
	}
	got := string(out)
	t.Logf("snippet output:\n%s", got)
	// The first training image (dataset order) is ims[0].
	want := []string{
		fmt.Sprintf("%d training images, 14 labels", ds.Count(dataset.Train)),
		"image (224, 224)",
		fmt.Sprintf("lung fraction %.3f", ims[0].FGFraction),
		// Atelectasis in train under U-Ignore + missing zeros: 1, NaN, 1, 0.
		"'Atelectasis': 0.667",
	}
	if withTorch {
		want = append(want, "batch (4, 1, 224, 224), labels (4, 14)")
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("snippet output lacks %q", w)
		}
	}
}
