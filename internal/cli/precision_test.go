package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/ort"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestBuildInt8ChangesOnlyMasks builds the sample tree with ONNX Runtime
// in fp32 and in int8: every CSV but the per-mask QA table must come out
// byte-identical (the precision changes masks, never which images, ids,
// splits, labels or paths are written), and the QA table must list the
// same images. The manifest records the precision.
func TestBuildInt8ChangesOnlyMasks(t *testing.T) {
	_, _, err := ort.Load("")
	testenv.Need(t, ort.EnvRequire, err)
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	var o, e bytes.Buffer
	if code := Run([]string{"sample", "--out", tree}, &o, &e); code != 0 {
		t.Fatalf("sample: %s", e.String())
	}
	outs := map[string]string{}
	for _, p := range []string{"fp32", "int8"} {
		outs[p] = filepath.Join(dir, p)
		o.Reset()
		e.Reset()
		args := []string{"build", "--mimic", tree, "--out", outs[p], "--backend", "onnxruntime", "--precision", p, "--threads", "1", "--quiet"}
		if code := Run(args, &o, &e); code != 0 {
			t.Fatalf("build --precision %s: exit %d: %s", p, code, e.String())
		}
		man, err := os.ReadFile(filepath.Join(outs[p], "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(man), fmt.Sprintf("%q", p)) || !strings.Contains(string(man), ", "+p) {
			t.Errorf("manifest of the %s build does not record the precision", p)
		}
	}
	csvs, err := filepath.Glob(filepath.Join(outs["fp32"], "*.csv"))
	if err != nil || len(csvs) < 4 {
		t.Fatalf("fp32 build wrote CSVs %v (%v)", csvs, err)
	}
	for _, f := range csvs {
		name := filepath.Base(f)
		a, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(outs["int8"], name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(name, "-qa") {
			if firstColumn(a) != firstColumn(b) {
				t.Errorf("%s: the int8 build lists other images than fp32", name)
			}
			continue
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the fp32 and int8 builds", name)
		}
	}
}

// firstColumn returns the first field of every line (ids are plain).
func firstColumn(csv []byte) string {
	var ids []string
	for _, line := range strings.Split(string(csv), "\n") {
		id, _, _ := strings.Cut(line, ",")
		ids = append(ids, id)
	}
	return strings.Join(ids, "\n")
}
