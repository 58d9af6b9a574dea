package model

import (
	"testing"

	"github.com/cxlseg/cxlseg/internal/preprocess"
)

// TestPreprocessingID keeps the metadata default in step with package
// preprocess (model does not import it, to stay a leaf of the engine).
func TestPreprocessingID(t *testing.T) {
	if DefaultPreprocessing != preprocess.ID {
		t.Errorf("DefaultPreprocessing %q, preprocess.ID %q", DefaultPreprocessing, preprocess.ID)
	}
	m, err := New(Config{Base: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := preprocess.Check(m.Metadata(nil)); err != nil {
		t.Errorf("saved metadata fails preprocess.Check: %v", err)
	}
}
