package model

import (
	"fmt"
	"maps"
	"math"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/nn"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// Trainer trains a Model with BCE + Dice loss and Adam. Its buffers are
// planned once for batches of up to Batch images of Size x Size; Step
// allocates nothing. A Trainer is not safe for concurrent use.
type Trainer struct {
	m     *Model
	e     *nn.Engine
	ownE  bool
	g     *nn.Graph
	in    *nn.Tensor
	out   *nn.Tensor
	batch int
	size  int
	opt   AdamConfig
	mom   []float32 // Adam first moments, like m.Params.Data
	vel   []float32 // Adam second moments
	step  int64
	seed  uint64
	loss  *bceDice
	adam  *adam
	pred  *Predictor
}

// NewTrainer returns a trainer for m on batches of up to batch images of
// size x size, with Adam configured by opt, threads workers (0: one per
// CPU) and the best available sgemm.
func NewTrainer(m *Model, batch, size int, opt AdamConfig, threads int) (*Trainer, error) {
	gm, err := nn.NewGemm("auto")
	if err != nil {
		return nil, err
	}
	e := nn.NewEngine(gm, threads)
	t, err := NewTrainerEngine(m, e, batch, size, opt)
	if err != nil {
		e.Close()
		return nil, err
	}
	t.ownE = true
	return t, nil
}

// NewTrainerEngine is NewTrainer on an existing engine, which the caller
// keeps ownership of.
func NewTrainerEngine(m *Model, e *nn.Engine, batch, size int, opt AdamConfig) (*Trainer, error) {
	if batch < 1 {
		return nil, fmt.Errorf("model: training batch %d", batch)
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	t := &Trainer{m: m, e: e, batch: batch, size: size, opt: opt, seed: uint64(m.cfg.Seed)}
	var err error
	if t.g, t.in, t.out, err = m.graph(e, trainMode, nil, batch, size); err != nil {
		return nil, err
	}
	t.mom = make([]float32, len(m.Params.Data))
	t.vel = make([]float32, len(m.Params.Data))
	t.loss = newBCEDice(batch)
	t.adam = newAdam(m.Params.Data, t.g.ParamGrads(), t.mom, t.vel)
	return t, nil
}

// Model returns the model being trained.
func (t *Trainer) Model() *Model { return t.m }

// Engine returns the trainer's engine.
func (t *Trainer) Engine() *nn.Engine { return t.e }

// Describe says what runs (engine, threads, sgemm), for logs.
func (t *Trainer) Describe() string { return t.e.Describe() }

// StepCount returns the number of optimiser steps taken.
func (t *Trainer) StepCount() int64 { return t.step }

// LR returns the current learning rate.
func (t *Trainer) LR() float64 { return t.opt.LR }

// SetLR changes the learning rate for the next steps.
func (t *Trainer) SetLR(lr float64) { t.opt.LR = lr }

// MemoryBytes returns the bytes the training plan allocated (activations,
// gradients, scratch; not the model or Adam state).
func (t *Trainer) MemoryBytes() int64 { return t.g.MemoryBytes() }

// Step runs one training step on n images: x and y hold n*Size*Size values
// each (NCHW, one channel; y the 0/1 mask). It returns the loss before the
// update.
func (t *Trainer) Step(x, y []float32, n int) (float64, error) {
	return t.StepWeighted(x, y, nil, n)
}

// StepWeighted is Step with a loss weight per image (nil means all 1):
// image i's pixels count w[i] times in both BCE and Dice.
func (t *Trainer) StepWeighted(x, y, w []float32, n int) (float64, error) {
	px := t.size * t.size
	if n < 1 || n > t.batch {
		return 0, fmt.Errorf("model: training batch %d outside 1..%d", n, t.batch)
	}
	if len(x) < n*px || len(y) < n*px {
		return 0, fmt.Errorf("model: %d images of %dx%d need %d values, got %d images and %d masks", n, t.size, t.size, n*px, len(x), len(y))
	}
	if w != nil && len(w) < n {
		return 0, fmt.Errorf("model: %d loss weights for %d images", len(w), n)
	}
	if err := t.g.SetBatch(n); err != nil {
		return 0, err
	}
	copy(t.in.Data, x[:n*px])
	t.g.Seed, t.g.Step = t.seed, uint64(t.step)
	t.g.Forward()
	loss, err := t.loss.compute(t.e, t.out.Data, y, w, n, px, t.out.Grad)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("model: loss is %v at step %d", loss, t.step+1)
	}
	t.g.Backward()
	t.step++
	t.adam.update(t.e, t.opt, t.step)
	return loss, nil
}

// Predict writes eval-mode probabilities (running statistics, no
// DropBlock) of n images (n <= the training batch) into probs, for
// validation during training.
func (t *Trainer) Predict(x []float32, n int, probs []float32) error {
	if t.pred == nil {
		p, err := NewPredictorEngine(t.m, t.e, t.batch, t.size)
		if err != nil {
			return err
		}
		t.pred = p
	} else {
		t.pred.Refresh()
	}
	return t.pred.Predict(x, n, probs)
}

// Close stops the trainer's own engine.
func (t *Trainer) Close() error {
	if t.ownE {
		t.e.Close()
	}
	return nil
}

// Checkpoint metadata keys.
const (
	metaStep      = "checkpoint_step"
	metaCkpt      = "checkpoint"
	metaAdamLR    = "adam_lr"
	metaAdamB1    = "adam_beta1"
	metaAdamB2    = "adam_beta2"
	metaAdamEps   = "adam_eps"
	metaAdamWD    = "adam_weight_decay"
	prefixAdamM   = "adam.exp_avg."
	prefixAdamV   = "adam.exp_avg_sq."
	checkpointTag = "cxlseg-trainer-v1"
)

// SaveCheckpoint writes the model, the Adam moments, the step count, the
// Adam settings and the random-stream seed to path (atomically), with the
// caller's meta (epoch, data order, best score...) alongside. The file is
// also a valid model file for Load.
func (t *Trainer) SaveCheckpoint(path string, meta map[string]string) error {
	ts := t.m.Tensors()
	for _, p := range t.m.Params.Params {
		ts = append(ts,
			safetensors.Tensor{Name: prefixAdamM + p.Name, Shape: p.Shape, Data: t.mom[p.Off : p.Off+len(p.Data)]},
			safetensors.Tensor{Name: prefixAdamV + p.Name, Shape: p.Shape, Data: t.vel[p.Off : p.Off+len(p.Data)]})
	}
	md := map[string]string{}
	maps.Copy(md, meta)
	md = t.m.Metadata(md)
	md[metaCkpt] = checkpointTag
	md[metaSeed] = strconv.FormatInt(int64(t.seed), 10)
	md[metaStep] = strconv.FormatInt(t.step, 10)
	md[metaAdamLR] = strconv.FormatFloat(t.opt.LR, 'g', -1, 64)
	md[metaAdamB1] = strconv.FormatFloat(t.opt.Beta1, 'g', -1, 64)
	md[metaAdamB2] = strconv.FormatFloat(t.opt.Beta2, 'g', -1, 64)
	md[metaAdamEps] = strconv.FormatFloat(t.opt.Eps, 'g', -1, 64)
	md[metaAdamWD] = strconv.FormatFloat(t.opt.WeightDecay, 'g', -1, 64)
	if err := safetensors.WriteFile(path, ts, md); err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint restores a checkpoint written by SaveCheckpoint into this
// trainer (same architecture and base): weights, running statistics, Adam
// moments and settings (lr included; call SetLR afterwards to change it),
// step count and seed. It returns the checkpoint's metadata. Training then
// continues exactly as the run that wrote it.
func (t *Trainer) LoadCheckpoint(path string) (map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	md := f.Metadata
	if md[metaCkpt] != checkpointTag {
		return nil, fmt.Errorf("load checkpoint %s: not a cxlseg trainer checkpoint", path)
	}
	if md[MetaArch] != t.m.cfg.Arch || md[MetaBase] != strconv.Itoa(t.m.cfg.Base) {
		return nil, fmt.Errorf("load checkpoint %s: holds %s base %s, trainer has %s base %d", path, md[MetaArch], md[MetaBase], t.m.cfg.Arch, t.m.cfg.Base)
	}
	ints := map[string]*int64{metaStep: &t.step}
	var seed int64
	ints[metaSeed] = &seed
	for k, dst := range ints {
		v, err := strconv.ParseInt(md[k], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("load checkpoint %s: metadata %s=%q: %w", path, k, md[k], err)
		}
		*dst = v
	}
	opt := t.opt
	floats := map[string]*float64{metaAdamLR: &opt.LR, metaAdamB1: &opt.Beta1, metaAdamB2: &opt.Beta2, metaAdamEps: &opt.Eps, metaAdamWD: &opt.WeightDecay}
	for k, dst := range floats {
		v, err := strconv.ParseFloat(md[k], 64)
		if err != nil {
			return nil, fmt.Errorf("load checkpoint %s: metadata %s=%q: %w", path, k, md[k], err)
		}
		*dst = v
	}
	if err := opt.validate(); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	if err := t.m.setFrom(f, ""); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	for _, p := range t.m.Params.Params {
		for _, x := range []struct {
			prefix string
			dst    []float32
		}{{prefixAdamM, t.mom}, {prefixAdamV, t.vel}} {
			d, err := f.Get(x.prefix+p.Name, p.Shape...)
			if err != nil {
				return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
			}
			copy(x.dst[p.Off:p.Off+len(p.Data)], d)
		}
	}
	t.opt = opt
	t.seed = uint64(seed)
	t.m.cfg.Seed = seed
	return md, nil
}
