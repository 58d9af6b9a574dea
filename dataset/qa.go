package dataset

import (
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
	"strings"
)

// QA holds the per-mask quality measures of one image, as written to
// CXLSeg-qa.csv by the build. Areas and boxes are in pixels of the 224x224
// mask the build measures, whatever its output size (--size).
type QA struct {
	MeanProb   float64 // mean model probability inside the mask
	FGFraction float64 // mask foreground fraction, 0..1
	Components int     // connected components in the cleaned mask
	LeftArea   int     // pixels of the patient's left lung
	RightArea  int     // pixels of the patient's right lung
	// LRRatio is left_area/right_area as written; NaN when the cell is
	// empty (no right lung, say).
	LRRatio float64
	// LeftBox and RightBox are the lungs' bounding boxes as written
	// ("x0 y0 x1 y1" -> Min=(x0,y0), Max=(x1,y1)); HasLeftBox/HasRightBox
	// are false when the cell was empty (no such lung).
	LeftBox, RightBox       image.Rectangle
	HasLeftBox, HasRightBox bool
	// RawComponents counts the large components of the network's raw
	// mask before clean-up; -1 when the dataset does not record it.
	RawComponents int
	// EstDice is the estimated Dice of the mask against an expert's
	// (package maskqa's estimator; see the README and MODEL_CARD.md for its
	// calibration); NaN when the dataset does not record it. Rank or filter
	// masks by it to choose which to trust.
	EstDice float64
	// Flags lists the QA flags (empty, one_lung, extra_components,
	// implausible_area, low_confidence, low_quality); nil when the mask
	// passed.
	Flags []string
}

// HasFlag reports whether the named flag is set.
func (q *QA) HasFlag(flag string) bool {
	for _, f := range q.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// QA flag names written by the build.
const (
	FlagEmpty           = "empty"
	FlagOneLung         = "one_lung"
	FlagExtraComponents = "extra_components"
	FlagImplausibleArea = "implausible_area"
	FlagLowConfidence   = "low_confidence"
	FlagLowQuality      = "low_quality"
)

// qaColumns are the columns of CXLSeg-qa.csv that are read.
var qaColumns = []string{colDicomID, "mean_prob", "fg_fraction", "components",
	"left_area", "right_area", "lr_ratio", "left_bbox", "right_bbox", "flags"}

// readQA reads CXLSeg-qa.csv into a map keyed by dicom_id.
func readQA(name string, r io.Reader) (map[string]*QA, error) {
	t, err := newTable(name, r, qaColumns...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*QA)
	err = t.each(func() error {
		id, err := uniqueID(t, out)
		if err != nil {
			return err
		}
		q, err := parseQARow(t)
		if err != nil {
			return t.errorf("%v", err)
		}
		out[id] = q
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseQARow converts the current row of a QA table.
func parseQARow(t *table) (*QA, error) {
	var q QA
	var err error
	floats := []struct {
		col string
		dst *float64
	}{{"mean_prob", &q.MeanProb}, {"fg_fraction", &q.FGFraction}, {"lr_ratio", &q.LRRatio}}
	for _, f := range floats {
		if *f.dst, err = parseFloatCell(f.col, t.get(f.col)); err != nil {
			return nil, err
		}
	}
	ints := []struct {
		col string
		dst *int
	}{{"components", &q.Components}, {"left_area", &q.LeftArea}, {"right_area", &q.RightArea}}
	for _, f := range ints {
		if *f.dst, err = parseIntCell(f.col, t.get(f.col)); err != nil {
			return nil, err
		}
	}
	// Columns added later: absent in older datasets.
	q.RawComponents, q.EstDice = -1, math.NaN()
	if t.has("raw_components") && strings.TrimSpace(t.get("raw_components")) != "" {
		if q.RawComponents, err = parseIntCell("raw_components", t.get("raw_components")); err != nil {
			return nil, err
		}
	}
	if t.has("est_dice") {
		if q.EstDice, err = parseFloatCell("est_dice", t.get("est_dice")); err != nil {
			return nil, err
		}
	}
	if q.LeftBox, q.HasLeftBox, err = parseBBox("left_bbox", t.get("left_bbox")); err != nil {
		return nil, err
	}
	if q.RightBox, q.HasRightBox, err = parseBBox("right_bbox", t.get("right_bbox")); err != nil {
		return nil, err
	}
	if fl := strings.TrimSpace(t.get("flags")); fl != "" {
		for _, f := range strings.Split(fl, ";") {
			if f = strings.TrimSpace(f); f != "" {
				q.Flags = append(q.Flags, f)
			}
		}
	}
	return &q, nil
}

// parseFloatCell reads a float cell; empty is NaN (not measured).
func parseFloatCell(col, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", col, s)
	}
	return v, nil
}

// parseIntCell reads a non-negative integer cell; empty is 0.
func parseIntCell(col, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%s %q is not a non-negative integer", col, s)
	}
	return v, nil
}

// parseBBox reads "x0 y0 x1 y1"; empty means no box.
func parseBBox(col, s string) (image.Rectangle, bool, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return image.Rectangle{}, false, nil
	}
	if len(f) != 4 {
		return image.Rectangle{}, false, fmt.Errorf("%s %q is not \"x0 y0 x1 y1\"", col, s)
	}
	var v [4]int
	for i, c := range f {
		n, err := strconv.Atoi(c)
		if err != nil {
			return image.Rectangle{}, false, fmt.Errorf("%s %q is not \"x0 y0 x1 y1\"", col, s)
		}
		v[i] = n
	}
	return image.Rect(v[0], v[1], v[2], v[3]), true, nil
}
