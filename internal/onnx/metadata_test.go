package onnx_test

import (
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/onnx/onnxtest"
)

func TestMetadata(t *testing.T) {
	b, err := onnx.Marshal(onnxtest.File(onnxtest.RandomSAUNet(2, 1), map[string]string{"k": "v"}), onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	meta, err := onnx.Metadata(b)
	if err != nil {
		t.Fatal(err)
	}
	if meta["k"] != "v" || meta["preprocessing"] != "gray>area224>clahe2.0x8>unit" || meta["architecture"] != "saunet" {
		t.Errorf("metadata %v", meta)
	}
	for _, bad := range [][]byte{nil, []byte("not a model"), {0x0a, 0xff}} {
		if _, err := onnx.Metadata(bad); err == nil {
			t.Errorf("Metadata(%q) accepted garbage", bad)
		}
	}
}

// FuzzMetadata feeds arbitrary bytes to the ONNX metadata reader, which
// parses user-supplied model files: no panic, whatever the input.
func FuzzMetadata(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x3a, 0x02, 0x0a, 0x00, 0x72, 0x06, 0x0a, 0x01, 'k', 0x12, 0x01, 'v'})
	f.Fuzz(func(t *testing.T, data []byte) {
		meta, err := onnx.Metadata(data)
		if err == nil && meta == nil {
			t.Fatal("nil metadata without an error")
		}
	})
}
