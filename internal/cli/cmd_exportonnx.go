package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// runExportONNX writes a model's weights as an ONNX graph in inference
// mode, fp32 or int8.
func runExportONNX(env *Env, args []string) error {
	fs := newFlags(env, "export-onnx", "[--model W.safetensors] [--precision int8 [--calibrate DIR|FILE.json]] --out M.onnx")
	model := fs.String("model", "", "model weights (safetensors, PyTorch state_dict names; default: the embedded default model)")
	out := fs.String("out", "", "ONNX file to write (required unless only --save-calibration)")
	arch := fs.String("arch", "", "architecture: saunet, unet or attunet (default: from the weights' metadata)")
	size := fs.Int("size", 224, "input height and width fixed in the graph (multiple of 8); -1 leaves them dynamic")
	precision := fs.String("precision", onnx.PrecisionFP32, "graph arithmetic: "+strings.Join(onnx.Precisions(), " or ")+
		" (int8: QDQ graph for ONNX Runtime, with activation ranges from --calibrate or, for the embedded weights, shipped ones)")
	calibrate := fs.String("calibrate", "", "int8: measure activation ranges on the training images of this folder (lung X-rays with masks, e.g. ../shared/data/lungseg), or read them from a calibration .json")
	perSource := fs.Int("calibrate-per-source", backend.DefaultPerSource, "int8: training images per source to calibrate on")
	saveCal := fs.String("save-calibration", "", "write the activation ranges measured with --calibrate DIR to this .json (how internal/weights/"+weights.CalibrationFile+" is made)")
	check := fs.Bool("check", true, "load the written model in ONNX Runtime and compare it with the native engine (fails when ONNX Runtime is unavailable; --check=false skips it)")
	ortLib := fs.String("ort-lib", "", "ONNX Runtime library for --check and --calibrate (default: the usual search)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" && *saveCal == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	if *size == 0 || *size < -1 {
		return fmt.Errorf("%w: --size must be positive or -1", errUsage)
	}
	if fi, err := os.Stat(*out); *out != "" && err == nil && !fi.Mode().IsRegular() {
		// The file is replaced by a rename: never do that to a device
		// such as /dev/null.
		return fmt.Errorf("%w: --out %s exists and is not a regular file", errUsage, *out)
	}
	int8 := *precision == onnx.PrecisionInt8
	switch {
	case *precision != onnx.PrecisionFP32 && !int8:
		return fmt.Errorf("%w: --precision %q: want %s", errUsage, *precision, strings.Join(onnx.Precisions(), " or "))
	case !int8 && *calibrate != "":
		return fmt.Errorf("%w: --calibrate applies to --precision int8 only", errUsage)
	case *saveCal != "" && (*calibrate == "" || strings.HasSuffix(strings.ToLower(*calibrate), ".json")):
		return fmt.Errorf("%w: --save-calibration needs --calibrate DIR (a folder of images to measure on)", errUsage)
	case int8 && *size != 224:
		return fmt.Errorf("%w: --precision int8 is calibrated at 224x224 only", errUsage)
	}
	src, data := *model, []byte(nil) // nil data: the embedded weights
	if src == "" {
		src = "the embedded default weights"
		if weights.Placeholder() {
			fmt.Fprintln(env.Stderr, "warning: the embedded default weights are an untrained placeholder")
		}
	} else {
		var err error
		if data, err = os.ReadFile(src); err != nil {
			return fmt.Errorf("read %s: %w", src, err)
		}
	}
	raw := data
	if raw == nil {
		raw = weights.Default()
	}
	w, err := safetensors.Read(raw)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	opt := onnx.Options{Arch: *arch, Size: *size, Precision: *precision}
	if int8 {
		cal, _, err := backend.CalibrationFor(env.Ctx, raw, *calibrate, backend.CalibrateOptions{PerSource: *perSource, ORTLib: *ortLib,
			Command: "cxlseg export-onnx " + strings.Join(args, " ")}, func() {
			fmt.Fprintf(env.Stderr, "calibrating on the training images of %s ...\n", *calibrate)
		})
		if err != nil {
			return fmt.Errorf("export %s: %w", src, err)
		}
		if *saveCal != "" {
			b, err := cal.Encode()
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFile(*saveCal, b, 0o644); err != nil {
				return fmt.Errorf("write calibration: %w", err)
			}
			fmt.Fprintf(env.Stdout, "wrote %s (%s ranges of %d activations over %d images)\n", *saveCal, cal.Method, len(cal.Ranges), cal.Images)
			if *out == "" {
				return nil
			}
		}
		opt.Calibration = cal
	}
	if err := onnx.WriteFile(*out, w, opt); err != nil {
		return fmt.Errorf("export %s: %w", src, err)
	}
	shape := fmt.Sprintf("[N,1,%d,%d]", *size, *size)
	if *size == -1 {
		shape = "[N,1,H,W]"
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, opset %d, input %q %s, output %q)\n", *out, *precision, onnx.Opset, onnx.InputName, shape, onnx.OutputName)
	if !*check {
		return nil
	}
	if *size != 224 {
		fmt.Fprintln(env.Stdout, "not checked: --check runs at 224x224 only")
		return nil
	}
	// int8 differs from fp32 by design; the check bounds the difference on
	// the two synthetic images (tests bound it on real X-rays).
	tol := 1e-4
	if int8 {
		tol = int8CheckTolerance
	}
	d, err := backend.Verify(*out, data, *ortLib, 0)
	switch {
	case err != nil:
		return fmt.Errorf("wrote %s but could not check it with ONNX Runtime (pass --check=false to skip the check): %w", *out, err)
	case d > tol:
		return fmt.Errorf("export %s: ONNX Runtime and the native engine differ by %.3g (> %g) on the written model", src, d, tol)
	default:
		fmt.Fprintf(env.Stdout, "checked: ONNX Runtime and the native engine agree within %.2g (ONNX Runtime %s, native fp32)\n", d, *precision)
	}
	return nil
}

// int8CheckTolerance bounds the largest probability difference between
// the int8 graph and the fp32 engine that export-onnx --check accepts: a
// few pixels on a boundary move by this much (measured: about 0.2), while
// a broken graph is off by up to 1 everywhere.
const int8CheckTolerance = 0.5
