package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"

	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
	"github.com/cxlseg/cxlseg/internal/ort"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

func TestExportONNX(t *testing.T) {
	dir := t.TempDir()
	weights := filepath.Join(dir, "w.safetensors")
	if err := safetensors.WriteFile(weights, onnxtest.RandomSAUNet(4, 1), map[string]string{"architecture": "saunet", "preprocessing": "gray>area224>clahe2.0x8>unit"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.onnx")
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"export-onnx", "--model", weights, "--out", out, "--ort-lib", "/nonexistent/libonnxruntime.so.1"}, 1, "could not check it with ONNX Runtime"},
		{[]string{"export-onnx", "--model", weights}, 2, "--out is required"},
		{[]string{"export-onnx", "--out", filepath.Join(dir, "default.onnx"), "--check=false"}, 0, ""},
		{[]string{"export-onnx", "--model", weights, "--out", out, "--size", "0"}, 2, "--size"},
		{[]string{"export-onnx", "--model", filepath.Join(dir, "none"), "--out", out}, 1, "none"},
		{[]string{"export-onnx", "--model", weights, "--out", out, "--arch", "vgg"}, 1, `"vgg" not supported`},
		{[]string{"export-onnx", "--out", out, "--precision", "fp16"}, 2, `--precision "fp16"`},
		{[]string{"export-onnx", "--out", out, "--calibrate", dir}, 2, "--calibrate applies to --precision int8 only"},
		{[]string{"export-onnx", "--precision", "int8", "--save-calibration", filepath.Join(dir, "c.json")}, 2, "--save-calibration needs --calibrate DIR"},
		{[]string{"export-onnx", "--precision", "int8", "--out", out, "--size", "-1"}, 2, "224x224 only"},
		{[]string{"export-onnx", "--model", weights, "--precision", "int8", "--out", out}, 1, "--calibrate DIR"},
		{[]string{"export-onnx", "--out", os.DevNull, "--check=false"}, 2, "not a regular file"},
		{[]string{"export-onnx", "--precision", "int8", "--out", filepath.Join(dir, "int8.onnx"), "--check=false"}, 0, ""},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		code := Run(tt.args, &o, &e)
		if code != tt.code || !strings.Contains(e.String(), tt.err) {
			t.Errorf("Run(%q) = %d, stderr %q; want %d, %q", tt.args, code, e.String(), tt.code, tt.err)
		}
	}
	var o, e bytes.Buffer
	if code := Run([]string{"export-onnx", "--model", weights, "--out", out, "--ort-lib", "/nonexistent/libonnxruntime.so.1"}, &o, &e); code != 1 || !strings.Contains(e.String(), "could not check it with ONNX Runtime") {
		t.Errorf("export without ONNX Runtime: code %d, stdout %q, stderr %q; want exit 1 saying it was not checked", code, o.String(), e.String())
	}
	o.Reset()
	if code := Run([]string{"export-onnx", "--model", weights, "--out", out, "--check=false"}, &o, &e); code != 0 || !strings.Contains(o.String(), `"image" [N,1,224,224]`) {
		t.Errorf("export --check=false: code %d, stdout %q", code, o.String())
	}
	o.Reset()
	if code := Run([]string{"export-onnx", "--model", weights, "--out", out, "--size", "-1", "--check=false"}, &o, &e); code != 0 || !strings.Contains(o.String(), `"image" [N,1,H,W]`) {
		t.Errorf("export --size -1: code %d, stdout %q", code, o.String())
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() < 100_000 {
		t.Errorf("export wrote no model: %v", err)
	}
	if _, _, err := ort.Load(""); err != nil {
		testenv.Missing(t, testenv.RequireORT, fmt.Sprintf("no ONNX Runtime for the --check of export-onnx: %v", err))
	}
	o.Reset()
	e.Reset()
	if code := Run([]string{"export-onnx", "--model", weights, "--out", out}, &o, &e); code != 0 || !strings.Contains(o.String(), "checked: ONNX Runtime and the native engine agree") {
		t.Errorf("export with --check: code %d, stdout %q, stderr %q", code, o.String(), e.String())
	}
}
