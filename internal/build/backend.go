package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
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
	// NoSpin: the decode and encode workers share the cores with ONNX
	// Runtime, so its threads must not busy-wait between operators.
	cfg := backend.Config{Kind: o.Backend, ModelPath: o.Model, Threads: o.Threads, Batch: o.Batch, ORTLib: o.ORTLib, NoSpin: true}
	cores := runtime.GOMAXPROCS(0)
	if o.Threads <= 0 && o.Backend != backend.Native {
		// ONNX Runtime infers an image in about the time libjpeg-turbo
		// decodes one, so it gets half the cores and the decode workers
		// the rest; its spinning thread pool would otherwise take CPU the
		// decoders need (measured: 84 vs 103 ms of CPU per image on 2
		// cores with 1 vs 2 inference threads).
		cfg.Threads = max(1, cores/2)
	}
	be, why, err := backend.Open(cfg)
	if err != nil {
		return nil, info, err
	}
	if o.Threads <= 0 && cfg.Threads < cores && !strings.HasPrefix(be.Name(), backend.ONNXRuntime) {
		// auto fell back to the native engine, which is slower than
		// decoding: it gets every core.
		be.Close()
		cfg.Kind, cfg.Threads = backend.Native, cores
		if be, _, err = backend.Open(cfg); err != nil {
			return nil, info, err
		}
	}
	info.Name, info.Why = be.Name(), why
	return be, info, nil
}
