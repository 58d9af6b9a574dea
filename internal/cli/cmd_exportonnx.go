package cli

import (
	"fmt"

	"cxlseg/internal/onnx"
	"cxlseg/internal/safetensors"
)

// runExportONNX writes a model's weights as an ONNX graph in inference mode.
func runExportONNX(env *Env, args []string) error {
	fs := newFlags(env, "export-onnx", "--model W.safetensors --out M.onnx")
	model := fs.String("model", "", "model weights (safetensors, PyTorch state_dict names) (required)")
	out := fs.String("out", "", "ONNX file to write (required)")
	arch := fs.String("arch", "", "architecture (default: from the weights' metadata; one of saunet)")
	size := fs.Int("size", 224, "input height and width fixed in the graph (multiple of 8); -1 leaves them dynamic")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" || *out == "" {
		return fmt.Errorf("%w: --model and --out are required", errUsage)
	}
	if *size == 0 || *size < -1 {
		return fmt.Errorf("%w: --size must be positive or -1", errUsage)
	}
	w, err := safetensors.ReadFile(*model)
	if err != nil {
		return err
	}
	if err := onnx.WriteFile(*out, w, onnx.Options{Arch: *arch, Size: *size}); err != nil {
		return fmt.Errorf("export %s: %w", *model, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s (opset %d, input %q [N,1,H,W], output %q)\n", *out, onnx.Opset, onnx.InputName, onnx.OutputName)
	return nil
}
