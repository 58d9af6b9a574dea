package backend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// Precisions accepted by Config.Precision.
const (
	PrecisionAuto = "auto"
	PrecisionFP32 = onnx.PrecisionFP32
	PrecisionInt8 = onnx.PrecisionInt8
)

// Precisions lists the values of --precision.
func Precisions() []string { return []string{PrecisionAuto, PrecisionFP32, PrecisionInt8} }

// regenCalibration is the command that remakes the embedded calibration.
const regenCalibration = "regenerate it with `go generate ./internal/weights` (needs ../shared/data/lungseg and ONNX Runtime)"

// checkPrecision validates Config.Precision against the backend kind.
func checkPrecision(p, kind string) error {
	switch p {
	case "", PrecisionAuto, PrecisionFP32:
		return nil
	case PrecisionInt8:
		if kind == Native {
			return fmt.Errorf("backend: --precision int8 runs on ONNX Runtime only (the native engine computes in fp32): use --backend onnxruntime (the library: scripts/fetch-onnxruntime.sh), or --precision fp32")
		}
		return nil
	}
	return fmt.Errorf("backend: precision %q unknown (want one of %s)", p, strings.Join(Precisions(), ", "))
}

// ortModel returns the ONNX graph ONNX Runtime runs for src at the
// precision cfg asks for, and a note for the reason line.
func ortModel(src modelSource, cfg Config) ([]byte, string, error) {
	want := cfg.Precision
	if want == "" {
		want = PrecisionAuto
	}
	if src.onnx != nil {
		meta, err := onnx.Metadata(src.onnx)
		if err != nil {
			return nil, "", fmt.Errorf("read model %s: %w", src.name, err)
		}
		have := meta["precision"]
		if have == "" {
			have = PrecisionFP32 // written before int8 existed
		}
		if want != PrecisionAuto && want != have {
			return nil, "", fmt.Errorf("--precision %s, but %s is an %s ONNX model: export it again with `cxlseg export-onnx --precision %s`, or pass --precision auto", want, src.name, have, want)
		}
		if cfg.Calibrate != "" {
			return nil, "", fmt.Errorf("--calibrate applies to safetensors weights, not to the ONNX model %s (its ranges are fixed in it)", src.name)
		}
		return src.onnx, ", " + have + " ONNX model", nil
	}
	// fp32 needs no activation ranges: decide it before measuring any
	// (--calibrate DIR runs hundreds of images through ONNX Runtime).
	fp32Note := ""
	switch {
	case want == PrecisionFP32:
		fp32Note = ", fp32 (requested)"
	case want == PrecisionAuto && cfg.CUDA:
		// int8 was measured faster on CPUs (VNNI); ONNX Runtime's CUDA
		// provider has no fused int8 convolutions and would run the QDQ
		// graph as float convolutions with extra (de)quantization.
		fp32Note = ", fp32 (auto: on CUDA; int8 is measured faster on CPUs only)"
	}
	// Otherwise auto runs int8 where activation ranges exist: the embedded
	// weights' int8 graph met both agreement targets on the lungseg test
	// images (mean Dice between the fp32 and int8 masks >= 0.995, test
	// Dice against the true masks within 0.002 of fp32; MODEL_CARD.md,
	// section "INT8 inference").
	var cal *onnx.Calibration
	var calWhy string
	if fp32Note == "" {
		var err error
		cal, calWhy, err = CalibrationFor(context.Background(), src.raw, cfg.Calibrate, CalibrateOptions{ORTLib: cfg.ORTLib, Threads: cfg.Threads}, nil)
		switch {
		case err != nil && want == PrecisionInt8:
			return nil, "", fmt.Errorf("%s: %w", src.name, err)
		case err != nil:
			fp32Note = ", fp32 (auto: no int8 activation ranges for these weights; --calibrate DIR provides them)"
		}
	}
	if fp32Note != "" {
		data, err := onnx.Marshal(src.weights, onnx.Options{})
		if err != nil {
			return nil, "", fmt.Errorf("convert %s for ONNX Runtime: %w", src.name, err)
		}
		return data, fp32Note, nil
	}
	note := ", int8 (requested)"
	if want == PrecisionAuto {
		note = ", int8 (auto)"
	}
	data, err := onnx.Marshal(src.weights, onnx.Options{Precision: PrecisionInt8, Calibration: cal})
	if err != nil {
		return nil, "", fmt.Errorf("convert %s to int8 for ONNX Runtime: %w", src.name, err)
	}
	return data, note + ", activation ranges " + calWhy, nil
}

// CalibrationFor finds the activation ranges of weights raw (safetensors
// bytes): read from calibrate when it is a .json calibration file,
// measured on it when it is a folder of images (with opt's settings;
// started is called first, to say so, when not nil), or
// the ones embedded for the default weights when calibrate is empty. The
// string says which, for logs.
func CalibrationFor(ctx context.Context, raw []byte, calibrate string, opt CalibrateOptions, started func()) (*onnx.Calibration, string, error) {
	switch {
	case calibrate == "":
		cal, err := EmbeddedCalibrationFor(raw)
		if err != nil {
			return nil, "", err
		}
		return cal, fmt.Sprintf("embedded (%s over %d images)", cal.Method, cal.Images), nil
	case strings.HasSuffix(strings.ToLower(calibrate), ".json"):
		cal, err := ReadCalibrationFor(calibrate, raw)
		return cal, "from " + calibrate, err
	}
	if started != nil {
		started()
	}
	opt.Data = calibrate
	cal, err := Calibrate(ctx, raw, opt)
	if err != nil {
		return nil, "", err
	}
	return cal, fmt.Sprintf("calibrated now on %d images of %s", cal.Images, calibrate), nil
}

// EmbeddedCalibrationFor returns the activation ranges shipped in the
// binary when raw (safetensors bytes) is the embedded default model. Other
// weights get an error saying how to calibrate them, and so do the
// embedded weights when the shipped ranges were measured on others (the
// weights changed and the file was not regenerated).
func EmbeddedCalibrationFor(raw []byte) (*onnx.Calibration, error) {
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != weights.SHA256() {
		return nil, fmt.Errorf("int8 needs activation ranges for these weights, and the ones shipped in the binary are for the embedded default weights only: pass --calibrate DIR (training X-rays with lung masks, such as the data the weights were trained on) or use an int8 ONNX model (`cxlseg export-onnx --precision int8 --calibrate DIR`)")
	}
	return checkedCalibration(weights.DefaultCalibration(), weights.SHA256())
}

// ReadCalibrationFor reads a calibration file and checks that it was
// measured on raw (safetensors bytes).
func ReadCalibrationFor(path string, raw []byte) (*onnx.Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read calibration: %w", err)
	}
	cal, err := onnx.ReadCalibration(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum := sha256.Sum256(raw)
	if err := cal.CheckWeights(hex.EncodeToString(sum[:]), "measure ranges for these weights with --calibrate DIR"); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cal, nil
}

// checkedCalibration decodes an embedded calibration file and checks that
// it was measured on the weights with hex SHA-256 sum.
func checkedCalibration(b []byte, sum string) (*onnx.Calibration, error) {
	cal, err := onnx.ReadCalibration(b)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w; %s", weights.CalibrationFile, err, regenCalibration)
	}
	if err := cal.CheckWeights(sum, regenCalibration); err != nil {
		return nil, fmt.Errorf("embedded %s: %w", weights.CalibrationFile, err)
	}
	return cal, nil
}

// PrecisionOf returns the arithmetic a backend opened by Open runs:
// PrecisionInt8 or PrecisionFP32 (the native engine, and ONNX Runtime on
// an fp32 graph).
func PrecisionOf(be segment.Backend) string {
	if p, ok := be.(interface{ Precision() string }); ok && p.Precision() != "" {
		return p.Precision()
	}
	return PrecisionFP32
}
