package onnx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// CalibrationFormat is the version of the calibration file layout.
const CalibrationFormat = 1

// Calibration holds the activation ranges of one set of weights, measured
// by running the fp32 graph on real images, from which Quantize sets the
// int8 graph's activation scales. It is stored as JSON (ReadCalibration,
// Calibration.Encode) beside the weights it was measured for, and tied to
// them by their SHA-256: ranges of other weights would quantize silently
// wrong.
type Calibration struct {
	Format int `json:"format"`
	// WeightsSHA256 is the hex SHA-256 of the safetensors file measured.
	WeightsSHA256 string `json:"weights_sha256"`
	// Arch and Base are the network's architecture and base channels.
	Arch string `json:"architecture"`
	Base int    `json:"base_channels"`
	// Method says how the ranges were reduced from the images (e.g.
	// "minmax": the smallest and largest value seen).
	Method string `json:"method"`
	// Images is how many images were run, and Source where they came from
	// (folder, split, how they were picked).
	Images int    `json:"images"`
	Source string `json:"source"`
	// Command regenerates the file.
	Command string `json:"command,omitempty"`
	// Ranges maps each calibration point (PointName of a tensor of the
	// fp32 graph) to the [min, max] of its values.
	Ranges map[string][2]float32 `json:"ranges"`
}

// ReadCalibration decodes a calibration file and checks its layout.
func ReadCalibration(b []byte) (*Calibration, error) {
	var c Calibration
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	if c.Format != CalibrationFormat {
		return nil, fmt.Errorf("calibration: format %d, want %d", c.Format, CalibrationFormat)
	}
	if len(c.WeightsSHA256) != 64 {
		return nil, fmt.Errorf("calibration: weights_sha256 %q is not a hex SHA-256", c.WeightsSHA256)
	}
	for k, r := range c.Ranges {
		if !finite(r[0]) || !finite(r[1]) || r[0] > r[1] {
			return nil, fmt.Errorf("calibration: range of %s is %v, want finite min <= max", k, r)
		}
	}
	return &c, nil
}

// Encode returns c as indented JSON with sorted keys, so a regenerated
// file diffs cleanly.
func (c *Calibration) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	return append(b, '\n'), nil
}

// CheckWeights refuses a calibration measured on other weights than the
// ones with hex SHA-256 sum; regen says how to make a matching one.
func (c *Calibration) CheckWeights(sum, regen string) error {
	if !strings.EqualFold(c.WeightsSHA256, sum) {
		return fmt.Errorf("the int8 calibration was measured on weights with sha256 %.12s..., but these weights have sha256 %.12s...: activation ranges of other weights would give wrong masks; %s",
			c.WeightsSHA256, sum, regen)
	}
	return nil
}

// seqSuffix is the "_N" graph.fresh appends to make value names unique.
var seqSuffix = regexp.MustCompile(`_[0-9]+$`)

// PointName is the calibration key of the graph value name v: the name
// without its sequence number, which depends on the order of tracing
// rather than on what the value is ("e1.0.relu_2" -> "e1.0.relu").
func PointName(v string) string { return seqSuffix.ReplaceAllString(v, "") }

func finite(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}
