package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// flagNames returns the flags a subcommand defines, from its -h output.
func flagNames(t *testing.T, run func(*Env, []string) error) map[string]bool {
	t.Helper()
	var out bytes.Buffer
	env := &Env{Ctx: context.Background(), Stdout: &out, Stderr: &out}
	run(env, []string{"-h"})
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`).FindAllStringSubmatch(out.String(), -1) {
		names[m[1]] = true
	}
	if len(names) < 3 {
		t.Fatalf("could not read flags from:\n%s", out.String())
	}
	return names
}

// TestDeployExamplesUseRealFlags keeps deploy/ working: every --flag the
// Slurm and Kubernetes examples pass to build or merge exists.
func TestDeployExamplesUseRealFlags(t *testing.T) {
	buildFlags := flagNames(t, runBuild)
	mergeFlags := flagNames(t, runMerge)
	for _, f := range []string{"slurm/cxlseg.sbatch", "k8s/indexed-job.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "deploy", f))
		if err != nil {
			t.Fatal(err)
		}
		cmd := ""
		checked := 0
		for _, line := range strings.Split(string(data), "\n") {
			code := line
			if i := strings.Index(line, "#"); i >= 0 && !strings.Contains(line[:i], "\"") {
				code = line[:i]
			}
			switch {
			case strings.Contains(code, " build"), strings.Contains(code, "- build"):
				cmd = "build"
			case strings.Contains(code, "merge"):
				cmd = "merge"
			}
			for _, m := range regexp.MustCompile(`--([a-z][a-z0-9-]*)`).FindAllStringSubmatch(code, -1) {
				known := buildFlags
				if cmd == "merge" {
					known = mergeFlags
				}
				if cmd == "" || strings.HasPrefix(strings.TrimSpace(code), "#SBATCH") {
					continue
				}
				if !known[m[1]] {
					t.Errorf("%s: %q: cxlseg %s has no flag --%s", f, strings.TrimSpace(line), cmd, m[1])
				}
				checked++
			}
		}
		if checked < 3 {
			t.Errorf("%s: only %d flags checked", f, checked)
		}
	}
}

func TestBuildUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"build"}, "--mimic and --out are required"},
		{[]string{"build", "--mimic", "x", "--out", "y", "--shard", "3/2"}, "shard"},
		{[]string{"build", "--mimic", "x", "--out", "y", "extra"}, "unexpected argument"},
		{[]string{"merge"}, "--out DIR is required"},
		{[]string{"build", "--mimic", "x", "--out", "y", "--batch", "0"}, "--batch 0"},
		{[]string{"build", "--mimic", "x", "--out", "y", "--truncated", "maybe"}, `--truncated "maybe"`},
		{[]string{"build", "--mimic", "x", "--out", "y", "--size-mismatch", "x"}, `--size-mismatch "x"`},
		{[]string{"build", "--mimic", "x", "--out", "y", "--size", "20"}, `--size "20": want a side from 32 to 4096`},
		{[]string{"build", "--mimic", "x", "--out", "y", "--size", "big"}, `--size "big"`},
		{[]string{"build", "--mimic", "x", "--out", "y", "--mask-format", "gif"}, `--mask-format "gif"`},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		if code := Run(tt.args, &o, &e); code != 2 || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stderr %q; want 2 and %q", tt.args, code, e.String(), tt.err)
		}
	}
}

func TestMergeWithoutShardsExplains(t *testing.T) {
	dir := t.TempDir()
	var o, e bytes.Buffer
	code := Run([]string{"merge", "--out", dir}, &o, &e)
	if code != 1 || !strings.Contains(e.String(), "no shard state") || !strings.Contains(e.String(), "cxlseg build --out") {
		t.Errorf("merge of an empty folder: code %d, stderr %q", code, e.String())
	}
}

// TestBackendFlagsReachTheBackend runs build, demo and eval with the shared
// backend flags and checks that each reaches backend.Open: CUDA with the
// native engine is refused there, and --ort-lib names the library it
// could not load.
func TestBackendFlagsReachTheBackend(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	var o, e bytes.Buffer
	if code := Run([]string{"sample", "--out", tree}, &o, &e); code != 0 {
		t.Fatalf("sample: %s", e.String())
	}
	for _, cmd := range [][]string{
		{"build", "--mimic", tree, "--out", filepath.Join(dir, "out1")},
		{"demo", "--out", filepath.Join(dir, "demo")},
		{"eval", "--data", tree},
	} {
		e.Reset()
		args := append(append([]string{}, cmd...), "--backend", "native", "--cuda")
		if code := Run(args, &o, &e); code == 0 || !strings.Contains(e.String(), "CUDA needs the onnxruntime backend") {
			t.Errorf("%s --backend native --cuda: exit %d, stderr %q", cmd[0], code, e.String())
		}
		e.Reset()
		args = append(append([]string{}, cmd...), "--backend", "native", "--precision", "int8")
		if code := Run(args, &o, &e); code == 0 || !strings.Contains(e.String(), "runs on ONNX Runtime only") {
			t.Errorf("%s --backend native --precision int8: exit %d, stderr %q", cmd[0], code, e.String())
		}
		e.Reset()
		args = append(append([]string{}, cmd...), "--precision", "fp16")
		if code := Run(args, &o, &e); code == 0 || !strings.Contains(e.String(), `precision "fp16" unknown`) {
			t.Errorf("%s --precision fp16: exit %d, stderr %q", cmd[0], code, e.String())
		}
		e.Reset()
		args = append(append([]string{}, cmd...), "--backend", "onnxruntime", "--ort-lib", "/nonexistent/libonnxruntime.so.1")
		// Without cgo the backend says it cannot load any library.
		if code := Run(args, &o, &e); code == 0 || !strings.Contains(e.String(), "/nonexistent/libonnxruntime.so.1") && !strings.Contains(e.String(), "needs cgo") {
			t.Errorf("%s --backend onnxruntime --ort-lib /nonexistent: exit %d, stderr %q", cmd[0], code, e.String())
		}
	}
}
