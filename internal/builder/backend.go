package builder

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/weights"
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
	// NoSpin: the decode and encode workers share the cores with ONNX
	// Runtime, so its threads must not busy-wait between operators.
	cfg := backend.Config{Kind: o.Backend, ModelPath: o.Model, Threads: o.Threads, Batch: o.Batch, ORTLib: o.ORTLib, CUDA: o.CUDA, NoSpin: true,
		Precision: o.Precision, Calibrate: o.Calibrate}
	if o.Threads <= 0 {
		// Every core, for either backend. ONNX Runtime's threads do not
		// spin (NoSpin), so the decode and encode workers still get the
		// cores while it waits. Measured on 2 idle cores, 212 images:
		// 22-24 img/s with 2 inference threads against 19-21 with 1
		// (bench/RESULTS.md).
		cfg.Threads = runtime.GOMAXPROCS(0)
	}
	be, why, err := backend.Open(cfg)
	if err != nil {
		return nil, info, err
	}
	info.Name, info.Why, info.Precision = be.Name(), why, backend.PrecisionOf(be)
	return be, info, nil
}
