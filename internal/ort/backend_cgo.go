//go:build cgo

package ort

import (
	"errors"
	"fmt"
	"os"
	"sync"

	ortgo "github.com/yalue/onnxruntime_go"

	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// runtimeState is the ONNX Runtime library and environment of this
// process. onnxruntime_go keeps both in package variables: one library, one
// environment per process. We therefore load it once, never unload it (a
// dlclose under live sessions would crash), and refuse a second, different
// library path instead of silently using the first.
var runtimeState struct {
	sync.Mutex
	path    string
	version string
}

// Load loads the ONNX Runtime library (lib, or Locate's choice when empty)
// and initialises its environment, once per process. It returns the path
// loaded and the library's version.
func Load(lib string) (path, version string, err error) {
	runtimeState.Lock()
	defer runtimeState.Unlock()
	if runtimeState.path != "" {
		if lib != "" && lib != runtimeState.path {
			return "", "", fmt.Errorf("ONNX Runtime is already loaded from %s in this process; cannot also load %s", runtimeState.path, lib)
		}
		return runtimeState.path, runtimeState.version, nil
	}
	path, err = Locate(lib, Search{})
	if err != nil {
		return "", "", err
	}
	ortgo.SetSharedLibraryPath(path)
	if err := ortgo.InitializeEnvironment(ortgo.WithLogLevelError()); err != nil {
		return "", "", fmt.Errorf("load ONNX Runtime %s: %w", path, err)
	}
	runtimeState.path, runtimeState.version = path, ortgo.GetVersion()
	return runtimeState.path, runtimeState.version, nil
}

// Backend runs an ONNX model with ONNX Runtime. It implements
// segment.Backend; like every Backend it is not safe for concurrent use.
type Backend struct {
	session *ortgo.DynamicAdvancedSession
	// in and out are the batch buffers, allocated once; inT[i] and outT[i]
	// are ONNX Runtime tensors of batch i+1 over their prefixes, so a short
	// batch costs no padding and no new buffers (onnxruntime_go still makes
	// a few small allocations per Run).
	in, out   []float32
	inT, outT []*ortgo.Tensor[float32]
	size      int
	name      string
	precision string
}

var _ segment.Backend = (*Backend)(nil)

// Open loads the library and the model and allocates the buffers for
// cfg.MaxBatch images.
func Open(cfg Config) (*Backend, error) {
	path, version, err := Load(cfg.Lib)
	if err != nil {
		return nil, err
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 8
	}
	if cfg.Size == 0 {
		cfg.Size = segment.Size
	}
	if cfg.MaxBatch < 0 || cfg.Threads < 0 || cfg.Size < 0 {
		return nil, fmt.Errorf("onnxruntime: batch %d, threads %d and size %d must not be negative", cfg.MaxBatch, cfg.Threads, cfg.Size)
	}
	model := cfg.Model
	src := "model bytes"
	if len(model) == 0 {
		if cfg.ModelPath == "" {
			return nil, errors.New("onnxruntime: no model given")
		}
		if model, err = os.ReadFile(cfg.ModelPath); err != nil {
			return nil, fmt.Errorf("onnxruntime: read %s: %w", cfg.ModelPath, err)
		}
		src = cfg.ModelPath
	}
	if err := checkModel(model, cfg.Size); err != nil {
		return nil, fmt.Errorf("onnxruntime: %s: %w", src, err)
	}
	precision := "fp32" // models written before int8 existed say nothing
	if meta, err := onnx.Metadata(model); err == nil && meta["precision"] != "" {
		precision = meta["precision"]
	}
	opts, err := ortgo.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("onnxruntime: session options: %w", err)
	}
	defer opts.Destroy()
	if cfg.Threads > 0 {
		if err := opts.SetIntraOpNumThreads(cfg.Threads); err != nil {
			return nil, fmt.Errorf("onnxruntime: set %d threads: %w", cfg.Threads, err)
		}
	}
	// One operator at a time: the graph is a chain, and inter-op threads
	// would only compete with the intra-op ones.
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("onnxruntime: set inter-op threads: %w", err)
	}
	if cfg.NoSpin {
		if err := opts.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); err != nil {
			return nil, fmt.Errorf("onnxruntime: disable spinning: %w", err)
		}
	}
	provider := "CPU"
	if cfg.CUDA {
		if err := appendCUDA(opts, cfg.CUDADevice); err != nil {
			return nil, fmt.Errorf("onnxruntime %s (%s) cannot use CUDA: %w; use a GPU build of ONNX Runtime (the onnxruntime-gpu Python wheel or an onnxruntime-linux-x64-gpu release archive) with CUDA and cuDNN installed, or run without CUDA", version, path, err)
		}
		provider = fmt.Sprintf("CUDA device %d", cfg.CUDADevice)
	}
	session, err := ortgo.NewDynamicAdvancedSessionWithONNXData(model, []string{onnx.InputName}, []string{onnx.OutputName}, opts)
	if err != nil {
		return nil, fmt.Errorf("onnxruntime: create session for %s: %w", src, err)
	}
	b := &Backend{session: session, size: cfg.Size, precision: precision}
	plane := cfg.Size * cfg.Size
	b.in = make([]float32, cfg.MaxBatch*plane)
	b.out = make([]float32, cfg.MaxBatch*plane)
	for n := 1; n <= cfg.MaxBatch; n++ {
		shape := ortgo.NewShape(int64(n), 1, int64(cfg.Size), int64(cfg.Size))
		it, err := ortgo.NewTensor(shape, b.in[:n*plane])
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("onnxruntime: input tensor: %w", err)
		}
		b.inT = append(b.inT, it)
		ot, err := ortgo.NewTensor(shape, b.out[:n*plane])
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("onnxruntime: output tensor: %w", err)
		}
		b.outT = append(b.outT, ot)
	}
	threads := "default threads"
	if cfg.Threads > 0 {
		threads = fmt.Sprintf("%d threads", cfg.Threads)
	}
	if cfg.NoSpin {
		threads += " (no spinning)"
	}
	b.name = fmt.Sprintf("onnxruntime %s (%s), %s, %s, %s, batch %d", version, path, provider, precision, threads, cfg.MaxBatch)
	return b, nil
}

// appendCUDA adds the CUDA execution provider on device.
func appendCUDA(opts *ortgo.SessionOptions, device int) error {
	cuda, err := ortgo.NewCUDAProviderOptions()
	if err != nil {
		return err
	}
	defer cuda.Destroy()
	if err := cuda.Update(map[string]string{"device_id": fmt.Sprint(device)}); err != nil {
		return err
	}
	return opts.AppendExecutionProviderCUDA(cuda)
}

// checkModel verifies the model's input and output names, types and shapes
// before a session is built on it, so a wrong file gets a clear message.
func checkModel(model []byte, size int) error {
	ins, outs, err := ortgo.GetInputOutputInfoWithONNXData(model)
	if err != nil {
		return fmt.Errorf("not a loadable ONNX model: %w", err)
	}
	check := func(kind, want string, infos []ortgo.InputOutputInfo) error {
		if len(infos) != 1 || infos[0].Name != want {
			var names []string
			for _, i := range infos {
				names = append(names, i.Name)
			}
			return fmt.Errorf("model has %s %q, want exactly %q", kind, names, want)
		}
		i := infos[0]
		if i.DataType != ortgo.TensorElementDataTypeFloat {
			return fmt.Errorf("%s %q is %v, want float32", kind, want, i.DataType)
		}
		d := i.Dimensions
		ok := len(d) == 4 && (d[1] == 1 || d[1] < 0) && (d[2] == int64(size) || d[2] < 0) && (d[3] == int64(size) || d[3] < 0)
		if !ok {
			return fmt.Errorf("%s %q has shape %v, want [N,1,%d,%d]", kind, want, d, size, size)
		}
		return nil
	}
	if err := check("input", onnx.InputName, ins); err != nil {
		return err
	}
	return check("output", onnx.OutputName, outs)
}

// Name says which library, provider, threads and batch run.
func (b *Backend) Name() string { return b.name }

// Precision is the arithmetic of the model's graph: "fp32" or "int8" (its
// metadata's precision property).
func (b *Backend) Precision() string { return b.precision }

// MaxBatch is the largest n Predict accepts.
func (b *Backend) MaxBatch() int { return len(b.inT) }

// Predict runs the model on n images (see segment.Backend).
func (b *Backend) Predict(in []float32, n int, probs []float32) error {
	if b.session == nil {
		return errors.New("onnxruntime: backend is closed")
	}
	plane := b.size * b.size
	if n < 1 || n > len(b.inT) {
		return fmt.Errorf("onnxruntime: batch of %d images, want 1..%d", n, len(b.inT))
	}
	if len(in) < n*plane || len(probs) < n*plane {
		return fmt.Errorf("onnxruntime: %d images need %d values, have %d in and %d out", n, n*plane, len(in), len(probs))
	}
	copy(b.in, in[:n*plane])
	if err := b.session.Run([]ortgo.Value{b.inT[n-1]}, []ortgo.Value{b.outT[n-1]}); err != nil {
		return fmt.Errorf("onnxruntime: run: %w", err)
	}
	copy(probs, b.out[:n*plane])
	return nil
}

// Close releases the session and tensors. The library stays loaded.
func (b *Backend) Close() error {
	var errs []error
	for _, t := range b.inT {
		errs = append(errs, t.Destroy())
	}
	for _, t := range b.outT {
		errs = append(errs, t.Destroy())
	}
	b.inT, b.outT = nil, nil
	if b.session != nil {
		errs = append(errs, b.session.Destroy())
		b.session = nil
	}
	return errors.Join(errs...)
}
