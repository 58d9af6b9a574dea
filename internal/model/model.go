// Package model holds cxlseg's lung segmentation networks on the native
// engine (package nn): SA-UNet (the default), plain U-Net and Attention
// U-Net, their BCE + Dice loss, the Adam optimiser, a Trainer with
// resumable checkpoints, a Predictor (inference with batch norm folded into
// the convolutions, implementing segment.Backend) and safetensors weights.
//
// # Architectures (Config.Arch)
//
//   - "saunet": SA-UNet (Guo et al. 2020) exactly as SPEC section 5 and
//     ../shared/bench/ref_saunet.py: conv units conv3x3 -> DropBlock(7,
//     keep 0.9) -> BN -> ReLU; encoder 2 units at n, 2n, 4n each followed by
//     2x2 max-pool; bridge unit at 8n -> spatial attention (channel mean and
//     max -> 7x7 conv, no bias -> sigmoid -> multiply) -> unit; decoder
//     ConvTranspose2d(k3, s2, p1, op1) to 4n, 2n, n, concatenated with the
//     skip, 2 units; 1x1 head to one logit. n = Config.Base (default 16,
//     537,011 parameters).
//   - "unet": the same without DropBlock and spatial attention.
//   - "attunet": "unet" plus Attention U-Net gates (Oktay et al. 2018) on the
//     three skips: theta = 1x1 conv of the skip, phi = 1x1 conv of the
//     coarser gating signal upsampled 2x bilinear, psi = 1x1 conv of
//     ReLU(theta+phi) to one channel, skip *= sigmoid(psi). Gate names are
//     a3/a2/a1 with .wx (no bias), .wg and .psi.
//
// Parameter names and layouts equal PyTorch's state_dict of ref_saunet.py's
// SAUNet (e1.0.weight OIHW, e1.2.running_mean, u3.weight IOHW, ...); unet
// and attunet keep the same names (the DropBlock slot is simply empty), so
// a Python user loads the weights with load_state_dict. num_batches_tracked
// is stored as a float32 scalar (load_state_dict converts it).
//
// # Use
//
//	m, _ := model.New(model.Config{Arch: "saunet", Base: 16, Seed: 1})
//	tr, _ := model.NewTrainer(m, 8, 224, model.DefaultAdam(), 2)
//	defer tr.Close()
//	loss, _ := tr.Step(x, y, n)            // x, y: n*1*224*224, y in {0,1}
//	_ = tr.Predict(xv, nv, probs)          // eval-mode probabilities
//	_ = tr.SaveCheckpoint("ckpt.safetensors", nil)
//	_ = m.Save("model.safetensors", nil)
//	p, _ := model.NewPredictor(m, 8, 224, 2) // segment.Backend
//
// Everything is deterministic: the same Config.Seed, data order and thread
// count give bit-identical weights, and a run resumed from a checkpoint
// continues exactly as the uninterrupted run. Trainer.Step and
// Predictor.Predict allocate nothing: every buffer is planned when they are
// built.
//
// # Checks and benchmarks
//
// The tests check gradients by finite differences (every architecture),
// determinism and checkpoint resume, and, when /usr/bin/python3 has torch,
// parity with ../shared/bench/ref_saunet.py (eval probabilities within
// 1e-4; one training step's loss, gradients and running statistics).
// Benchmarks: go test -run '^$' -bench . ./internal/model (img/s, GFLOP/s
// and CPU seconds per batch; CXLSEG_GEMM=go|openblas picks the sgemm);
// testdata/compare.sh alternates them with ref_saunet.py and
// testdata/compare_summary.py reports the ratio of medians;
// testdata/pytorch_cpu.py gives PyTorch's CPU time per step.
package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cxlseg/cxlseg/internal/nn"
)

// Archs lists the architecture names New accepts.
func Archs() []string { return []string{"saunet", "unet", "attunet"} }

// DefaultPreprocessing is the model input preprocessing identifier
// (package preprocess's ID) recorded in saved weights unless the caller
// supplies another.
const DefaultPreprocessing = "gray>area224>clahe2.0x8>unit"

// Config chooses and initialises a network.
type Config struct {
	// Arch is "saunet" (default when empty), "unet" or "attunet".
	Arch string
	// Base is the number of channels of the first level (default 16).
	Base int
	// Seed initialises the weights and keys the DropBlock masks.
	Seed int64
	// DropBlockKeep is DropBlock's keep probability for saunet (0 means
	// 0.9, as ref_saunet.py; 1 disables DropBlock).
	DropBlockKeep float64
	// DropBlockSize is DropBlock's block side (0 means 7).
	DropBlockSize int
}

// withDefaults fills zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Arch == "" {
		c.Arch = "saunet"
	}
	if !slices.Contains(Archs(), c.Arch) {
		return c, fmt.Errorf("model: unknown architecture %q (want one of %s)", c.Arch, strings.Join(Archs(), ", "))
	}
	if c.Base == 0 {
		c.Base = 16
	}
	if c.Base < 1 || c.Base > 1024 {
		return c, fmt.Errorf("model: base channels %d outside 1..1024", c.Base)
	}
	if c.DropBlockKeep == 0 {
		c.DropBlockKeep = 0.9
	}
	if c.DropBlockKeep < 0 || c.DropBlockKeep > 1 {
		return c, fmt.Errorf("model: DropBlock keep probability %v outside (0, 1]", c.DropBlockKeep)
	}
	if c.DropBlockSize == 0 {
		c.DropBlockSize = 7
	}
	if c.Arch != "saunet" {
		c.DropBlockKeep = 1
	}
	return c, nil
}

// Model is a network's configuration and state: trainable parameters and
// batch-norm buffers, in PyTorch state_dict order.
type Model struct {
	cfg Config
	// Params holds the trainable parameters (conv weights and biases, BN
	// weights and biases).
	Params *nn.Store
	// Buffers holds BN running means, running variances and
	// num_batches_tracked.
	Buffers *nn.Store
	order   []string // every name, state_dict order
	units   []unit   // conv + BN pairs, for folding
}

// unit is a conv followed by batch norm (and ReLU).
type unit struct{ conv, bn string }

// Config returns the model's configuration (defaults filled in).
func (m *Model) Config() Config { return m.cfg }

// Arch returns the architecture name.
func (m *Model) Arch() string { return m.cfg.Arch }

// Base returns the base channel count.
func (m *Model) Base() int { return m.cfg.Base }

// NumParams returns the number of trainable parameters.
func (m *Model) NumParams() int { return len(m.Params.Data) }

// New builds a model and initialises it as PyTorch does: conv and
// transposed-conv weights and biases uniform in +-1/sqrt(fan_in) (fan_in
// as PyTorch computes it from dimension 1), BN weight 1, bias 0, running
// mean 0, running variance 1.
func New(cfg Config) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &netBuilder{mode: declareMode, cfg: cfg}
	d.build()
	m := &Model{cfg: cfg, order: d.order, units: d.units}
	if m.Params, err = nn.NewStore(d.pnames, d.pshapes); err != nil {
		return nil, err
	}
	if m.Buffers, err = nn.NewStore(d.bnames, d.bshapes); err != nil {
		return nil, err
	}
	m.init(uint64(cfg.Seed))
	return m, nil
}

// init draws the initial weights from a PCG stream seeded by seed, in
// declaration order.
func (m *Model) init(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x637866736567)) // "cxlseg"
	fanIn := map[string]int{}
	for _, p := range m.Params.Params {
		if strings.HasSuffix(p.Name, ".weight") && len(p.Shape) == 4 {
			fanIn[strings.TrimSuffix(p.Name, ".weight")] = p.Shape[1] * p.Shape[2] * p.Shape[3]
		}
	}
	for _, p := range m.Params.Params {
		prefix := p.Name[:strings.LastIndexByte(p.Name, '.')]
		f, isConv := fanIn[prefix]
		if !isConv {
			// Batch norm: weight 1, bias 0.
			v := float32(0)
			if strings.HasSuffix(p.Name, ".weight") {
				v = 1
			}
			for i := range p.Data {
				p.Data[i] = v
			}
			continue
		}
		bound := 1 / math.Sqrt(float64(f))
		for i := range p.Data {
			p.Data[i] = float32((rng.Float64()*2 - 1) * bound)
		}
	}
	for _, p := range m.Buffers.Params {
		v := float32(0)
		if strings.HasSuffix(p.Name, ".running_var") {
			v = 1
		}
		for i := range p.Data {
			p.Data[i] = v
		}
	}
}

// param returns the parameter or buffer called name.
func (m *Model) param(name string) *nn.Param {
	if p := m.Params.Get(name); p != nil {
		return p
	}
	return m.Buffers.Get(name)
}
