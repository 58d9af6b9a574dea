package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cxlseg/internal/onnx/onnxtest"
	"cxlseg/internal/safetensors"
)

func TestExportONNX(t *testing.T) {
	dir := t.TempDir()
	weights := filepath.Join(dir, "w.safetensors")
	if err := safetensors.WriteFile(weights, onnxtest.RandomSAUNet(4, 1), map[string]string{"architecture": "saunet"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.onnx")
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"export-onnx", "--model", weights, "--out", out}, 0, ""},
		{[]string{"export-onnx", "--out", out}, 2, "--model and --out are required"},
		{[]string{"export-onnx", "--model", weights, "--out", out, "--size", "0"}, 2, "--size"},
		{[]string{"export-onnx", "--model", filepath.Join(dir, "none"), "--out", out}, 1, "none"},
		{[]string{"export-onnx", "--model", weights, "--out", out, "--arch", "vgg"}, 1, `"vgg" not supported`},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		code := Run(tt.args, &o, &e)
		if code != tt.code || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stderr %q; want %d, %q", tt.args, code, e.String(), tt.code, tt.err)
		}
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() < 100_000 {
		t.Errorf("export wrote no model: %v", err)
	}
}
