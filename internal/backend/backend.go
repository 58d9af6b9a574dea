// Package backend opens the inference backend cxlseg runs the lung
// segmentation network on: the native Go engine (package model) or ONNX
// Runtime (package ort), chosen by Config.Kind. "auto" takes ONNX Runtime
// when its library loads, several times faster on CPU, and the native
// engine otherwise; Open always says which it chose and why, so logs and
// manifests record it.
//
// ONNX Runtime runs the network in fp32 or int8 (Config.Precision,
// precision.go): the int8 graph (onnx.Quantize) needs activation ranges
// measured on real images (Calibrate), shipped for the embedded weights
// (weights.CalibrationFile) and measured with --calibrate for others.
package backend

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/cxlseg/cxlseg/internal/model"
	"github.com/cxlseg/cxlseg/internal/nn"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/ort"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// Backend kinds accepted by Config.Kind.
const (
	Auto        = "auto"
	Native      = "native"
	ONNXRuntime = "onnxruntime"
)

// Kinds lists the values of --backend.
func Kinds() []string { return []string{Auto, Native, ONNXRuntime} }

// Config chooses and sets up a backend.
type Config struct {
	// Kind is Auto (when empty), Native or ONNXRuntime.
	Kind string
	// ModelPath is a safetensors weights file, or an .onnx file (ONNX
	// Runtime only). Empty means Weights.
	ModelPath string
	// Weights holds safetensors bytes when ModelPath is empty; nil means
	// the embedded default model (package weights).
	Weights []byte
	// Threads is the number of compute threads; 0 means one per CPU.
	Threads int
	// Batch is the largest batch Predict will get; 0 means 8.
	Batch int
	// ORTLib is the ONNX Runtime library path; empty means ort.Locate's
	// search (CXLSEG_ORT_LIB, ONNXRUNTIME_SHARED_LIBRARY_PATH, well-known
	// places).
	ORTLib string
	// NoSpin keeps ONNX Runtime's threads from busy-waiting between
	// operators; set it when other workers share the cores (ort.Config).
	NoSpin bool
	// CUDA runs ONNX Runtime on CUDA; it implies Kind ONNXRuntime (auto
	// does not fall back to the CPU engine when CUDA was asked for).
	CUDA bool
	// Precision is the arithmetic of ONNX Runtime's graph: PrecisionFP32,
	// PrecisionInt8 (ONNX Runtime only) or PrecisionAuto (when empty): int8
	// when ONNX Runtime runs on the CPU and activation ranges exist for the
	// weights, else fp32. The native engine always computes in fp32.
	Precision string
	// Calibrate gives int8 activation ranges for weights other than the
	// embedded default: a folder of training images (package lungdata
	// layouts; see Calibrate) or a calibration .json file.
	Calibrate string
}

// Open returns the backend cfg asks for and a sentence saying which one
// runs and why. Both backends check that the model expects this program's
// preprocessing (package preprocess) before running it.
func Open(cfg Config) (segment.Backend, string, error) {
	kind := cfg.Kind
	if kind == "" {
		kind = Auto
	}
	if kind != Auto && kind != Native && kind != ONNXRuntime {
		return nil, "", fmt.Errorf("backend %q unknown (want one of %s)", kind, strings.Join(Kinds(), ", "))
	}
	if cfg.Threads == 0 {
		cfg.Threads = runtime.NumCPU()
	}
	if cfg.Batch == 0 {
		cfg.Batch = 8
	}
	if cfg.Threads < 0 || cfg.Batch < 0 {
		return nil, "", fmt.Errorf("backend: threads %d and batch %d must be positive", cfg.Threads, cfg.Batch)
	}
	if cfg.CUDA && kind == Native {
		return nil, "", fmt.Errorf("backend: CUDA needs the onnxruntime backend, not native")
	}
	if err := checkPrecision(cfg.Precision, kind); err != nil {
		return nil, "", err
	}
	src, err := loadModel(cfg)
	if err != nil {
		return nil, "", err
	}
	switch {
	case kind == Native:
		b, err := openNative(src, cfg)
		if err != nil {
			return nil, "", err
		}
		return b, "native engine: requested" + src.note, nil
	case kind == ONNXRuntime || cfg.CUDA:
		b, note, err := openORT(src, cfg)
		if err != nil {
			return nil, "", err
		}
		return b, "onnxruntime: requested" + note + src.note, nil
	}
	// Auto with --precision fp32 on weights: the native engine where its
	// direct kernels cover the network, as it is then faster than ONNX
	// Runtime's fp32 and computes the same masks.
	if cfg.Precision == PrecisionFP32 && src.onnx == nil && nn.FastInference() {
		b, err := openNative(src, cfg)
		if err != nil {
			return nil, "", err
		}
		return b, "native engine: auto chose it for fp32, as its direct kernels run on this CPU and outrun ONNX Runtime's fp32" + src.note, nil
	}
	// Auto: ONNX Runtime when its library loads, else the native engine.
	path, version, lerr := ort.Load(cfg.ORTLib)
	if lerr != nil {
		if src.onnx != nil {
			return nil, "", fmt.Errorf("backend: %s is an ONNX model, which only ONNX Runtime runs, and ONNX Runtime is unavailable: %w", src.name, lerr)
		}
		if cfg.Precision == PrecisionInt8 {
			return nil, "", fmt.Errorf("backend: --precision int8 needs ONNX Runtime, which is unavailable (install it with scripts/fetch-onnxruntime.sh or pass --ort-lib), or use --precision fp32: %w", lerr)
		}
		b, err := openNative(src, cfg)
		if err != nil {
			return nil, "", err
		}
		why := lerr.Error()
		var nf *ort.NotFoundError
		if errors.As(lerr, &nf) {
			why = nf.Short()
		}
		return b, "native engine: auto fell back because ONNX Runtime is unavailable: " + why + src.note, nil
	}
	b, note, err := openORT(src, cfg)
	if err != nil {
		return nil, "", err
	}
	return b, fmt.Sprintf("onnxruntime: auto chose ONNX Runtime %s, whose library loaded from %s", version, path) + note + src.note, nil
}

// modelSource is the model to run: safetensors weights, or an ONNX file.
type modelSource struct {
	name    string
	weights *safetensors.File // nil for an ONNX file
	onnx    []byte            // set for an ONNX file
	raw     []byte            // the file's bytes
	sha256  string            // their hex SHA-256
	note    string            // appended to the reason (placeholder weights)
}

// loadModel reads the model cfg names and checks its preprocessing.
func loadModel(cfg Config) (modelSource, error) {
	src := modelSource{name: cfg.ModelPath}
	data := cfg.Weights
	switch {
	case cfg.ModelPath != "":
		b, err := os.ReadFile(cfg.ModelPath)
		if err != nil {
			return src, fmt.Errorf("read model %s: %w", cfg.ModelPath, err)
		}
		data = b
	case data == nil:
		src.name = "embedded default weights"
		data = weights.Default()
		if weights.Placeholder() {
			src.note = " (the embedded default weights are an untrained placeholder)"
		}
	default:
		src.name = "weights in memory"
	}
	sum := sha256.Sum256(data)
	src.raw, src.sha256 = data, hex.EncodeToString(sum[:])
	if strings.HasSuffix(strings.ToLower(cfg.ModelPath), ".onnx") {
		meta, err := onnx.Metadata(data)
		if err != nil {
			return src, fmt.Errorf("read model %s: %w", cfg.ModelPath, err)
		}
		if err := preprocess.Check(meta); err != nil {
			return src, fmt.Errorf("model %s: %w", cfg.ModelPath, err)
		}
		src.onnx = data
		return src, nil
	}
	f, err := safetensors.Read(data)
	if err != nil {
		return src, fmt.Errorf("read model %s: %w", src.name, err)
	}
	if err := preprocess.Check(f.Metadata); err != nil {
		return src, fmt.Errorf("model %s: %w", src.name, err)
	}
	src.weights = f
	return src, nil
}

func openNative(src modelSource, cfg Config) (segment.Backend, error) {
	if src.weights == nil {
		return nil, fmt.Errorf("backend: the native engine needs safetensors weights, not the ONNX file %s (use --backend onnxruntime)", src.name)
	}
	m, err := model.FromFile(src.weights)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", src.name, err)
	}
	p, err := model.NewPredictor(m, cfg.Batch, segment.Size, cfg.Threads)
	if err != nil {
		return nil, fmt.Errorf("native engine: %w", err)
	}
	return p, nil
}

// openORT opens ONNX Runtime on src at cfg's precision; the note says
// which precision runs and why.
func openORT(src modelSource, cfg Config) (segment.Backend, string, error) {
	data, note, err := ortModel(src, cfg)
	if err != nil {
		return nil, "", err
	}
	b, err := ort.Open(ort.Config{Model: data, Lib: cfg.ORTLib, Threads: cfg.Threads, MaxBatch: cfg.Batch, CUDA: cfg.CUDA, NoSpin: cfg.NoSpin})
	if err != nil {
		return nil, "", err
	}
	return b, note, nil
}
