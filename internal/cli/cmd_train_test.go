package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/lungdata/lungdatatest"
)

func TestTrainThenEval(t *testing.T) {
	data := lungdatatest.Write(t, lungdatatest.Options{Size: 48, N: 8, Validate: 2})
	out := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	code := Run([]string{"train", "--data", data, "--out", out, "--base", "4", "--size", "32", "--batch", "3",
		"--epochs", "2", "--lr", "0.01"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("train exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "epoch 2/2 done") {
		t.Errorf("train output:\n%s", stdout.String())
	}
	for _, f := range []string{"best.safetensors", "checkpoint.safetensors", "log.jsonl", "curves.png", "config.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	stdout.Reset()
	stderr.Reset()
	evalOut := filepath.Join(t.TempDir(), "eval")
	code = Run([]string{"eval", "--model", filepath.Join(out, "best.safetensors"), "--data", data, "--size", "32",
		"--split", "validate", "--out", evalOut}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("eval exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "all/all") || !strings.Contains(stdout.String(), "orig/clean") {
		t.Errorf("eval output:\n%s", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(evalOut, "per_image.csv")); err != nil {
		t.Error(err)
	}
	// The 224 default model refuses to run at another size: preprocessing
	// is checked at load time.
	code = Run([]string{"eval", "--data", data, "--size", "32"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "preprocessing") {
		t.Errorf("eval of 224 weights at 32: exit %d, %s", code, stderr.String())
	}
}

func TestTrainEvalUsage(t *testing.T) {
	for _, args := range [][]string{{"train"}, {"train", "--data", "x"}, {"eval"}, {"train", "--data", "x", "--out", "y", "extra"}} {
		var o, e bytes.Buffer
		if code := Run(args, &o, &e); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, e.String())
		}
	}
}
