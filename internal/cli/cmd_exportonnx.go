package cli

import (
	"fmt"
	"os"

	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// runExportONNX writes a model's weights as an ONNX graph in inference mode.
func runExportONNX(env *Env, args []string) error {
	fs := newFlags(env, "export-onnx", "[--model W.safetensors] --out M.onnx")
	model := fs.String("model", "", "model weights (safetensors, PyTorch state_dict names; default: the embedded default model)")
	out := fs.String("out", "", "ONNX file to write (required)")
	arch := fs.String("arch", "", "architecture: saunet, unet or attunet (default: from the weights' metadata)")
	size := fs.Int("size", 224, "input height and width fixed in the graph (multiple of 8); -1 leaves them dynamic")
	check := fs.Bool("check", true, "load the written model in ONNX Runtime and compare it with the native engine (fails when ONNX Runtime is unavailable; --check=false skips it)")
	ortLib := fs.String("ort-lib", "", "ONNX Runtime library for --check (default: the usual search)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out is required", errUsage)
	}
	if *size == 0 || *size < -1 {
		return fmt.Errorf("%w: --size must be positive or -1", errUsage)
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
	if err := onnx.WriteFile(*out, w, onnx.Options{Arch: *arch, Size: *size}); err != nil {
		return fmt.Errorf("export %s: %w", src, err)
	}
	shape := fmt.Sprintf("[N,1,%d,%d]", *size, *size)
	if *size == -1 {
		shape = "[N,1,H,W]"
	}
	fmt.Fprintf(env.Stdout, "wrote %s (opset %d, input %q %s, output %q)\n", *out, onnx.Opset, onnx.InputName, shape, onnx.OutputName)
	if !*check {
		return nil
	}
	if *size != 224 {
		fmt.Fprintln(env.Stdout, "not checked: --check runs at 224x224 only")
		return nil
	}
	d, err := backend.Verify(*out, data, *ortLib, 0)
	switch {
	case err != nil:
		return fmt.Errorf("wrote %s but could not check it with ONNX Runtime (pass --check=false to skip the check): %w", *out, err)
	case d > 1e-4:
		return fmt.Errorf("export %s: ONNX Runtime and the native engine differ by %.3g (> 1e-4) on the written model", src, d)
	default:
		fmt.Fprintf(env.Stdout, "checked: ONNX Runtime and the native engine agree within %.2g\n", d)
	}
	return nil
}
