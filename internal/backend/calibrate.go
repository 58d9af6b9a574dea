package backend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/onnx"
	"github.com/cxlseg/cxlseg/internal/ort"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// CalibrateOptions say which images calibrate an int8 graph, and how.
type CalibrateOptions struct {
	// Data is a folder of images with lung masks in any layout package
	// lungdata reads (../shared/data/lungseg, images/+masks/, Montgomery,
	// Shenzhen, JSRT+SCR); only its train split is used, never test.
	Data string
	// PerSource caps the images taken from each source; 0 means 64.
	PerSource int
	// ORTLib, Threads and Batch run the fp32 graph (ONNX Runtime).
	ORTLib  string
	Threads int
	Batch   int
	// Command is recorded in the result, to say how to regenerate it.
	Command string
}

// DefaultPerSource is the images per source calibration takes by default:
// 256 on lungseg's four sources, enough that the ranges no longer move
// (MODEL_CARD.md, section INT8).
const DefaultPerSource = 64

// Calibrate measures the activation ranges of the weights (safetensors
// bytes) for onnx.Quantize: it runs their fp32 graph on ONNX Runtime over
// training images of opt.Data (up to opt.PerSource per source, evenly
// spaced in listing order, so the choice is fixed) and keeps each
// activation's smallest and largest value ("minmax").
func Calibrate(ctx context.Context, weights []byte, opt CalibrateOptions) (*onnx.Calibration, error) {
	if opt.PerSource == 0 {
		opt.PerSource = DefaultPerSource
	}
	if opt.Batch <= 0 {
		opt.Batch = 4
	}
	w, err := safetensors.Read(weights)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if err := preprocess.Check(w.Metadata); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	m, err := onnx.Build(w, onnx.Options{})
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	items, source, err := calibrationItems(opt.Data, opt.PerSource)
	if err != nil {
		return nil, err
	}
	points, err := onnx.CalibrationPoints(m)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	probe, err := ort.OpenProbe(onnx.WithOutputs(m, points).Encode(), points, opt.ORTLib, opt.Threads)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	defer probe.Close()
	const size = preprocess.Size
	plane := size * size
	ld, pp := lungdata.NewLoader(), preprocess.New(size)
	in := make([]float32, opt.Batch*plane)
	lo, hi := make([]float32, len(points)), make([]float32, len(points))
	for i := range lo {
		lo[i], hi[i] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for b0 := 0; b0 < len(items); b0 += opt.Batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("calibrate: %w", err)
		}
		n := min(opt.Batch, len(items)-b0)
		for j := range n {
			img, err := ld.Image(items[b0+j])
			if err != nil {
				return nil, fmt.Errorf("calibrate: %w", err)
			}
			if err := pp.Apply(in[j*plane:(j+1)*plane], img); err != nil {
				return nil, fmt.Errorf("calibrate: %s: %w", items[b0+j].Image, err)
			}
		}
		outs, err := probe.Run(in, n, size)
		if err != nil {
			return nil, fmt.Errorf("calibrate: %w", err)
		}
		for i, o := range outs {
			for _, v := range o {
				lo[i], hi[i] = min(lo[i], v), max(hi[i], v)
			}
		}
	}
	sum := sha256.Sum256(weights)
	base := 0
	fmt.Sscan(meta["base_channels"], &base)
	c := &onnx.Calibration{
		Format:        onnx.CalibrationFormat,
		WeightsSHA256: hex.EncodeToString(sum[:]),
		Arch:          meta["architecture"],
		Base:          base,
		Method:        "minmax",
		Images:        len(items),
		Source:        source,
		Command:       opt.Command,
		Ranges:        map[string][2]float32{},
	}
	for i, p := range points {
		c.Ranges[onnx.PointName(p)] = [2]float32{lo[i], hi[i]}
	}
	return c, nil
}

// calibrationItems picks up to perSource training images per source of the
// listing in dir, evenly spaced, and describes the choice.
func calibrationItems(dir string, perSource int) ([]lungdata.Item, string, error) {
	l, err := lungdata.Open(dir)
	if err != nil {
		return nil, "", fmt.Errorf("calibrate: %w", err)
	}
	bySource := map[string][]lungdata.Item{}
	for _, it := range lungdata.Filter(l.Items, lungdata.Train) {
		bySource[it.Source] = append(bySource[it.Source], it)
	}
	if len(bySource) == 0 {
		return nil, "", fmt.Errorf("calibrate: %s has no training images (calibration never uses validate or test images)", dir)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	var items []lungdata.Item
	var counts []string
	for _, s := range sources {
		all := bySource[s]
		k := min(perSource, len(all))
		for i := range k {
			items = append(items, all[i*len(all)/k])
		}
		counts = append(counts, fmt.Sprintf("%s %d", s, k))
	}
	name := dir
	if abs, err := filepath.Abs(dir); err == nil {
		name = filepath.Base(abs) // not the path, which differs per machine
	}
	desc := fmt.Sprintf("%s (%s layout), train split only, up to %d images per source evenly spaced in listing order: %s",
		name, l.Layout, perSource, strings.Join(counts, ", "))
	return items, desc, nil
}
