package model

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// FuzzDecode feeds arbitrary bytes to Decode (the loader of weight files
// from outside): it must return a model or an error, never panic or
// allocate beyond what the tensors it holds justify.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	if len(seeds) == 0 {
		m, err := New(Config{Base: 1, Seed: 1})
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, m.Tensors(), m.Metadata(nil)); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, meta, err := Decode(data)
		if err != nil {
			return
		}
		if m == nil || meta == nil {
			t.Fatal("nil model without error")
		}
		if m.Base() > 64 {
			t.Fatalf("accepted base %d from %d bytes", m.Base(), len(data))
		}
	})
}

// TestDecodeRejects checks that bad weight files give errors naming the
// problem.
func TestDecodeRejects(t *testing.T) {
	m, err := New(Config{Base: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	write := func(ts []safetensors.Tensor, meta map[string]string) []byte {
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, ts, meta); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	ok := write(m.Tensors(), m.Metadata(nil))
	if _, _, err := Decode(ok); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	for name, data := range map[string][]byte{
		"huge base":    write(m.Tensors(), map[string]string{MetaBase: "1000"}),
		"bad base":     write(m.Tensors(), map[string]string{MetaBase: "two"}),
		"unknown arch": write(m.Tensors(), map[string]string{MetaArch: "resnet", MetaBase: "2"}),
		"missing":      write(m.Tensors()[1:], m.Metadata(nil)),
		"truncated":    ok[:len(ok)/2],
	} {
		if _, _, err := Decode(data); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, _, err := Load(filepath.Join(t.TempDir(), "none.safetensors")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}
