package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/evaluate"
	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/weights"
)

// runEval scores a model on images with lung masks (package evaluate).
func runEval(env *Env, args []string) error {
	fs := newFlags(env, "eval", "--data DIR [--model W] [--out DIR] [flags]")
	modelPath := fs.String("model", "", "weights (safetensors); default: the embedded default model")
	data := fs.String("data", "", "images with masks: ../shared/data/lungseg (index.csv), images/+masks/ pairs, Montgomery, Shenzhen or JSRT+SCR")
	out := fs.String("out", "", "write per_image.csv and summary.json here")
	split := fs.String("split", "", "evaluate only this split (train, validate, test); default all")
	source := fs.String("source", "", "evaluate only this source")
	limit := fs.Int("limit", 0, "evaluate at most N images (0 = all)")
	batch := fs.Int("batch", 8, "images per inference batch")
	threads := fs.Int("threads", 2, "engine worker threads")
	size := fs.Int("size", preprocess.Size, "model input side (other than 224: native engine only, for tests)")
	// fp32 unless asked: an evaluation scores a model, and auto's choice
	// of arithmetic would silently change the numbers.
	bc := backend.Config{Kind: backend.Native, Precision: backend.PrecisionFP32}
	bc.RegisterFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	if *data == "" {
		return fmt.Errorf("%w: --data is required", errUsage)
	}
	w, name := weights.Default(), "embedded default weights (sha256 "+weights.SHA256()[:12]+")"
	if *modelPath != "" {
		b, err := os.ReadFile(*modelPath)
		if err != nil {
			return fmt.Errorf("read %s: %w", *modelPath, err)
		}
		w, name = b, *modelPath
	}
	bc.Batch, bc.Threads = *batch, *threads
	be, meta, why, err := openEvalBackend(bc, w, *modelPath, *size)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer be.Close()
	l, err := lungdata.Open(*data)
	if err != nil {
		return err
	}
	var sources []string
	if *source != "" {
		sources = []string{*source}
	}
	items := lungdata.Filter(l.Items, *split, sources...)
	if *limit > 0 && *limit < len(items) {
		items = items[:*limit]
	}
	if len(items) == 0 {
		return fmt.Errorf("%s: no images match split %q source %q", *data, *split, *source)
	}
	fmt.Fprintf(env.Stderr, "model: %s: %s\nbackend: %s\ndata: %s (%s layout), %d images\n",
		name, evaluate.Describe(meta), why, *data, l.Layout, len(items))
	res, err := evaluate.Run(env.Ctx, items, evaluate.Options{Backend: be, Size: *size, Clean: imgproc.DefaultCleanParams(), Progress: env.Stderr})
	if err != nil {
		return err
	}
	res.Table(env.Stdout)
	fmt.Fprintf(env.Stdout, "%d images in %.0f s (%.2f img/s)\n", len(res.Rows), res.Seconds, float64(len(res.Rows))/res.Seconds)
	if *out != "" {
		if err := res.WriteFiles(*out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s/per_image.csv and %s/summary.json\n", *out, *out)
	}
	return nil
}

// openEvalBackend opens the backend bc names for the weights w (read from
// modelPath, or the embedded ones), returning it with the weights'
// metadata (nil for an ONNX file) and why it was chosen. Sizes other than
// the shipped 224 run on the native engine only (tests train tiny models).
func openEvalBackend(bc backend.Config, w []byte, modelPath string, size int) (segment.Backend, map[string]string, string, error) {
	if size != preprocess.Size {
		if bc.Kind != backend.Native || bc.CUDA || bc.Precision == backend.PrecisionInt8 {
			return nil, nil, "", fmt.Errorf("%w: --size %d runs on the native engine only", errUsage, size)
		}
		be, meta, err := evaluate.NativeBackend(w, size, bc.Batch, bc.Threads)
		return be, meta, "native engine: requested", err
	}
	var meta map[string]string
	if strings.HasSuffix(strings.ToLower(modelPath), ".onnx") {
		bc.ModelPath = modelPath
	} else {
		f, err := safetensors.Read(w)
		if err != nil {
			return nil, nil, "", err
		}
		bc.Weights, meta = w, f.Metadata
	}
	be, why, err := backend.Open(bc)
	return be, meta, why, err
}
