package backend

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

func TestVerify(t *testing.T) {
	w := weightsBytes(t, "attunet", 4, nil)
	f, err := safetensors.Read(w)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := onnx.WriteFile(path, f, onnx.Options{}); err != nil {
		t.Fatal(err)
	}
	// Without the library the check cannot run, and says why.
	if _, err := Verify(path, w, ortMissing, 1); err == nil || !(strings.Contains(err.Error(), ortMissing) || strings.Contains(err.Error(), "cgo") || strings.Contains(err.Error(), "already loaded")) {
		t.Errorf("Verify without the library: err = %v", err)
	}
	needORT(t)
	d, err := Verify(path, w, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if d > 1e-4 {
		t.Errorf("exported model differs from the native engine by %g", d)
	}
	// Another model's weights must not pass.
	other := weightsBytes(t, "attunet", 4, map[string]string{"seed": "other"})
	f2, _ := safetensors.Read(other)
	for _, tn := range f2.Names {
		for i := range f2.Tensors[tn].Data {
			f2.Tensors[tn].Data[i] *= 1.5
		}
	}
	scaled := filepath.Join(t.TempDir(), "scaled.onnx")
	if err := onnx.WriteFile(scaled, f2, onnx.Options{}); err != nil {
		t.Fatal(err)
	}
	if d, err := Verify(scaled, w, "", 1); err != nil || d < 1e-3 {
		t.Errorf("a different model passed the check: diff %g, err %v", d, err)
	}
}
