package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"

	"cxlseg/internal/model"
	"cxlseg/internal/preprocess"
	"cxlseg/internal/segment"
	"cxlseg/internal/weights"
)

// openDefaultBackend opens the backend named by o.Backend with the model
// in o.Model (the embedded default when empty).
func openDefaultBackend(o *Options) (segment.Backend, BackendInfo, error) {
	data, source := weights.Default(), "embedded default"
	if weights.Placeholder() {
		source += " (PLACEHOLDER: untrained weights, masks are meaningless)"
	}
	if o.Model != "" {
		b, err := os.ReadFile(o.Model)
		if err != nil {
			return nil, BackendInfo{}, fmt.Errorf("model: %w", err)
		}
		data, source = b, o.Model
	}
	m, meta, err := model.Decode(data)
	if err != nil {
		return nil, BackendInfo{}, fmt.Errorf("model %s: %w", source, err)
	}
	if err := preprocess.Check(meta); err != nil {
		return nil, BackendInfo{}, fmt.Errorf("model %s: %w", source, err)
	}
	if o.Backend != "auto" && o.Backend != "native" {
		return nil, BackendInfo{}, fmt.Errorf("backend %q is not available in this build (want auto or native)", o.Backend)
	}
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p, err := model.NewPredictor(m, o.Batch, segment.Size, threads)
	if err != nil {
		return nil, BackendInfo{}, err
	}
	sum := sha256.Sum256(data)
	return p, BackendInfo{Name: p.Name(), Why: "native engine", ModelSource: source,
		ModelSHA256: hex.EncodeToString(sum[:]), ModelMetadata: meta}, nil
}
