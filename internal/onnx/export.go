package onnx

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
	"github.com/cxlseg/cxlseg/internal/version"
)

// Opset is the ONNX operator set the graphs use. 13 keeps ReduceMean's and
// ReduceMax's axes as attributes and is supported by every ONNX Runtime of
// the last years.
const Opset = 13

// irVersion is the ONNX IR version that goes with opset 13.
const irVersion = 7

// Names of the graph's input and output.
const (
	InputName  = "image"
	OutputName = "prob"
)

// Options tune an export. The zero value exports the architecture and base
// channels the weights declare (or imply) at 224x224.
type Options struct {
	// Arch names the architecture (one of Archs); empty means the
	// weights' "architecture" (or "arch") metadata, else what their tensor
	// names imply.
	Arch string
	// Size fixes the input's height and width; 0 means 224 and -1 leaves
	// them dynamic (any multiple of 8).
	Size int
	// Precision is PrecisionFP32 (when empty) or PrecisionInt8, which
	// quantizes the graph (Quantize) with the activation ranges of
	// Calibration.
	Precision   string
	Calibration *Calibration
}

// Build traces the network held in w into an ONNX model.
func Build(w *safetensors.File, opt Options) (*Model, error) {
	arch, err := archOf(w, opt.Arch)
	if err != nil {
		return nil, err
	}
	base, err := baseOf(w)
	if err != nil {
		return nil, err
	}
	if err := checkUnused(w, arch, base); err != nil {
		return nil, err
	}
	g := &graph{w: w}
	logits, err := unetFamily(g, InputName, arch, base)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", arch, err)
	}
	g.nodes = append(g.nodes, &Node{Name: "sigmoid", OpType: "Sigmoid", Input: []string{logits}, Output: []string{OutputName}})

	h, wd := Dim{Param: "H"}, Dim{Param: "W"}
	switch {
	case opt.Size == 0:
		h, wd = Dim{Value: preprocess.Size}, Dim{Value: preprocess.Size}
	case opt.Size > 0 && opt.Size%8 == 0:
		h, wd = Dim{Value: int64(opt.Size)}, Dim{Value: int64(opt.Size)}
	case opt.Size != -1:
		return nil, fmt.Errorf("export: size %d is not -1 or a positive multiple of 8 (the network pools three times)", opt.Size)
	}
	shape := []Dim{{Param: "N"}, {Value: 1}, h, wd}
	m := &Model{
		IRVersion:       irVersion,
		OpsetImport:     []OperatorSetID{{Domain: "", Version: Opset}},
		ProducerName:    "cxlseg",
		ProducerVersion: version.Version,
		DocString:       "Lung segmentation of frontal chest X-rays. Input: preprocessed gray image(s), see metadata 'preprocessing'. Output: lung probability per pixel.",
		Graph: &Graph{
			Name:        arch,
			Node:        g.nodes,
			Initializer: g.inits,
			Input:       []*ValueInfo{{Name: InputName, ElemType: Float, Shape: shape, DocString: "[N,1,H,W] float32 in [0,1], preprocessed as metadata 'preprocessing' says"}},
			Output:      []*ValueInfo{{Name: OutputName, ElemType: Float, Shape: slices.Clone(shape), DocString: "[N,1,H,W] lung probability"}},
		},
		MetadataProps: metadata(w, arch, base),
	}
	switch opt.Precision {
	case "", PrecisionFP32:
		return m, nil
	case PrecisionInt8:
		q, err := Quantize(m, opt.Calibration)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", arch, err)
		}
		return q, nil
	}
	return nil, fmt.Errorf("export: precision %q unknown (want one of %v)", opt.Precision, Precisions())
}

// Marshal builds the model and returns its serialized bytes.
func Marshal(w *safetensors.File, opt Options) ([]byte, error) {
	m, err := Build(w, opt)
	if err != nil {
		return nil, err
	}
	return m.Encode(), nil
}

// WriteFile exports w to path atomically (temporary file + rename).
func WriteFile(path string, w *safetensors.File, opt Options) error {
	b, err := Marshal(w, opt)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o644)
}

// archOf picks the architecture: the option, the metadata, or the names.
func archOf(w *safetensors.File, opt string) (string, error) {
	arch := opt
	if arch == "" {
		arch = w.Metadata["architecture"]
	}
	if arch == "" {
		arch = w.Metadata["arch"]
	}
	if arch == "" {
		// Infer only from tensors that exist in one architecture alone: a
		// guess of "unet" for a file lacking them could hide a damaged file.
		_, sa := w.Tensors["sa.conv.weight"]
		_, gate := w.Tensors["a3.wx.weight"]
		switch {
		case sa && !gate:
			arch = "saunet"
		case gate && !sa:
			arch = "attunet"
		default:
			return "", fmt.Errorf("export: the weights name no architecture (metadata %q) and their tensors do not tell; set it (one of %v)", "architecture", Archs())
		}
	}
	if !knownArch(arch) {
		return "", fmt.Errorf("export: architecture %q not supported (want one of %v)", arch, Archs())
	}
	return arch, nil
}

// checkUnused refuses weights holding tensors the graph of arch would not
// read: they mean the architecture is not the one the weights were
// trained as (e.g. "unet" metadata on SA-UNet weights).
func checkUnused(w *safetensors.File, arch string, base int) error {
	want, err := Params(arch, base)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var extra []string
	for _, name := range w.Names {
		if _, ok := want[name]; !ok && !strings.HasSuffix(name, ".num_batches_tracked") {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		if len(extra) > 5 {
			extra = append(extra[:5], "...")
		}
		return fmt.Errorf("export: the weights hold tensors a %s network does not have (%s): wrong architecture?", arch, strings.Join(extra, ", "))
	}
	return nil
}

// baseOf reads the base channel count from the first convolution, and
// checks it against the metadata when that states one.
func baseOf(w *safetensors.File) (int, error) {
	t, ok := w.Tensors["e1.0.weight"]
	if !ok || len(t.Shape) != 4 || t.Shape[0] <= 0 {
		return 0, fmt.Errorf("export: e1.0.weight missing or not a [base,1,3,3] convolution weight")
	}
	base := t.Shape[0]
	for _, k := range []string{"base_channels", "base"} {
		if s, ok := w.Metadata[k]; ok {
			if v, err := strconv.Atoi(s); err != nil || v != base {
				return 0, fmt.Errorf("export: metadata %s=%q disagrees with e1.0.weight's %d channels", k, s, base)
			}
		}
	}
	return base, nil
}

// metadata is the weights' metadata plus what the graph itself defines,
// sorted by key so the file is reproducible.
func metadata(w *safetensors.File, arch string, base int) []StringStringEntry {
	m := map[string]string{}
	for k, v := range w.Metadata {
		m[k] = v
	}
	if m[preprocess.MetaKey] == "" {
		m[preprocess.MetaKey] = preprocess.ID
	}
	m["architecture"] = arch
	m["base_channels"] = strconv.Itoa(base)
	m["input"] = InputName + ": float32 [N,1,H,W], preprocessed as in 'preprocessing'"
	m["output"] = OutputName + ": float32 [N,1,H,W], lung probability (sigmoid applied)"
	m["batchnorm"] = "folded into the preceding convolutions (eval mode, eps 1e-5)"
	m["precision"] = PrecisionFP32
	return sortedProps(m)
}

// sortedProps turns m into metadata entries sorted by key.
func sortedProps(m map[string]string) []StringStringEntry {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	props := make([]StringStringEntry, len(keys))
	for i, k := range keys {
		props[i] = StringStringEntry{Key: k, Value: m[k]}
	}
	return props
}
