package weights

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

func TestDefaultIsAValidSAUNet(t *testing.T) {
	f, err := safetensors.Read(Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := preprocess.Check(f.Metadata); err != nil {
		t.Error(err)
	}
	if f.Metadata["architecture"] != "saunet" {
		t.Errorf("architecture %q", f.Metadata["architecture"])
	}
	// A few tensors of ref_saunet.py's state_dict with their shapes.
	for name, shape := range map[string][]int{
		"e1.0.weight":    {16, 1, 3, 3},
		"u3.weight":      {128, 64, 3, 3},
		"sa.conv.weight": {1, 2, 7, 7},
		"out.weight":     {1, 16, 1, 1},
	} {
		if _, err := f.Get(name, shape...); err != nil {
			t.Error(err)
		}
	}
	// Trained weights carry their provenance; the placeholder says what it is.
	if Placeholder() {
		if f.Metadata["placeholder"] == "" {
			t.Error("placeholder without its note")
		}
	} else {
		for _, k := range []string{"epoch", "val_dice", "recipe", "data"} {
			if f.Metadata[k] == "" {
				t.Errorf("trained weights lack metadata %q", k)
			}
		}
	}
	n := 0
	for _, tn := range f.Tensors {
		n += len(tn.Data)
	}
	if n < 500_000 {
		t.Errorf("%d values", n)
	}
}

func TestSHA256(t *testing.T) {
	h := sha256.Sum256(Default())
	if SHA256() != hex.EncodeToString(h[:]) || len(SHA256()) != 64 {
		t.Errorf("hash %s", SHA256())
	}
}
