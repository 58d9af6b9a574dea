package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"cxlseg/internal/backend"
	"cxlseg/internal/safetensors"
	"cxlseg/internal/segment"
	"cxlseg/internal/weights"
)

// openDefaultBackend opens the backend named by o.Backend with the model
// in o.Model (the embedded default when empty) and describes the model for
// the manifest: its source, SHA-256 and metadata.
func openDefaultBackend(o *Options) (segment.Backend, BackendInfo, error) {
	info := BackendInfo{ModelSource: "embedded default", ModelSHA256: weights.SHA256()}
	data := weights.Default()
	if weights.Placeholder() {
		info.ModelSource += " (PLACEHOLDER: untrained weights, masks are meaningless)"
	}
	if o.Model != "" {
		b, err := os.ReadFile(o.Model)
		if err != nil {
			return nil, info, fmt.Errorf("model: %w", err)
		}
		sum := sha256.Sum256(b)
		data, info.ModelSource, info.ModelSHA256 = b, o.Model, hex.EncodeToString(sum[:])
	}
	if !strings.HasSuffix(strings.ToLower(o.Model), ".onnx") {
		f, err := safetensors.Read(data)
		if err != nil {
			return nil, info, fmt.Errorf("model %s: %w", info.ModelSource, err)
		}
		info.ModelMetadata = f.Metadata
	}
	be, why, err := backend.Open(backend.Config{Kind: o.Backend, ModelPath: o.Model, Threads: o.Threads,
		Batch: o.Batch, ORTLib: o.ORTLib})
	if err != nil {
		return nil, info, err
	}
	info.Name, info.Why = be.Name(), why
	return be, info, nil
}
