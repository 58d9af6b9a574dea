package model

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/nn"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/version"
)

// Metadata keys written with every model.
const (
	MetaArch          = "architecture"
	MetaBase          = "base_channels"
	MetaPreprocessing = "preprocessing"
	MetaVersion       = "cxlseg_version"
	metaSeed          = "seed"
)

// Tensors returns every parameter and buffer under its PyTorch
// state_dict name. The Data slices alias the model: copy them before
// changing the model if they must stay fixed.
func (m *Model) Tensors() []safetensors.Tensor {
	out := make([]safetensors.Tensor, 0, len(m.order))
	for _, name := range m.order {
		p := m.param(name)
		out = append(out, safetensors.Tensor{Name: name, Shape: append([]int{}, p.Shape...), Data: p.Data})
	}
	return out
}

// Metadata returns the metadata saved with the model: architecture,
// base_channels, seed, preprocessing (DefaultPreprocessing unless extra
// sets it), cxlseg_version, then the keys of extra (which cannot override the
// architecture or base).
func (m *Model) Metadata(extra map[string]string) map[string]string {
	meta := map[string]string{MetaPreprocessing: DefaultPreprocessing, MetaVersion: version.Version}
	maps.Copy(meta, extra)
	meta[MetaArch] = m.cfg.Arch
	meta[MetaBase] = strconv.Itoa(m.cfg.Base)
	meta[metaSeed] = strconv.FormatInt(m.cfg.Seed, 10)
	return meta
}

// Save writes the model to path as safetensors (atomically) with
// Metadata(meta).
func (m *Model) Save(path string, meta map[string]string) error {
	if err := safetensors.WriteFile(path, m.Tensors(), m.Metadata(meta)); err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return nil
}

// Load reads a model saved by Save (or a PyTorch state_dict of
// ref_saunet.py's SAUNet exported to safetensors) and returns it with its
// metadata. Without an architecture key the file is taken for saunet;
// without base_channels the base is read from e1.0.weight.
func Load(path string) (*Model, map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", path, err)
	}
	m, err := FromFile(f)
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, f.Metadata, nil
}

// Decode is Load for weights held in memory (embedded defaults).
func Decode(data []byte) (*Model, map[string]string, error) {
	f, err := safetensors.Read(data)
	if err != nil {
		return nil, nil, fmt.Errorf("decode model: %w", err)
	}
	m, err := FromFile(f)
	if err != nil {
		return nil, nil, fmt.Errorf("decode model: %w", err)
	}
	return m, f.Metadata, nil
}

// FromFile builds a model from parsed safetensors.
func FromFile(f *safetensors.File) (*Model, error) {
	cfg := Config{Arch: f.Metadata[MetaArch]}
	if s, ok := f.Metadata[MetaBase]; ok {
		b, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("metadata %s=%q: %w", MetaBase, s, err)
		}
		cfg.Base = b
	} else if t, ok := f.Tensors["e1.0.weight"]; ok && len(t.Shape) == 4 {
		cfg.Base = t.Shape[0]
	}
	if s, ok := f.Metadata[metaSeed]; ok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("metadata %s=%q: %w", metaSeed, s, err)
		}
		cfg.Seed = v
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// Check every tensor's presence and shape before allocating, so a
	// hostile header (say base_channels=1000 over tiny tensors) cannot
	// make us allocate gigabytes.
	d := &netBuilder{mode: declareMode, cfg: cfg}
	d.build()
	for i, name := range d.pnames {
		if err := checkShape(f, name, d.pshapes[i]); err != nil {
			return nil, err
		}
	}
	for i, name := range d.bnames {
		if err := checkShape(f, name, d.bshapes[i]); err != nil {
			return nil, err
		}
	}
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := m.setFrom(f, ""); err != nil {
		return nil, err
	}
	return m, nil
}

// checkShape reports a missing tensor or one of another shape.
func checkShape(f *safetensors.File, name string, shape []int) error {
	t, ok := f.Tensors[name]
	if !ok {
		return fmt.Errorf("tensor %s missing", name)
	}
	if !slices.Equal(t.Shape, shape) {
		return fmt.Errorf("tensor %s has shape %v, want %v", name, t.Shape, shape)
	}
	return nil
}

// setFrom copies every tensor prefix+name of f into the model.
func (m *Model) setFrom(f *safetensors.File, prefix string) error {
	for _, name := range m.order {
		if err := copyTensor(f, prefix+name, m.param(name)); err != nil {
			return err
		}
	}
	return nil
}

// copyTensor copies tensor name of f into p after checking its shape.
func copyTensor(f *safetensors.File, name string, p *nn.Param) error {
	d, err := f.Get(name, p.Shape...)
	if err != nil {
		return err
	}
	copy(p.Data, d)
	return nil
}
