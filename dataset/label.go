package dataset

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// Label is the value of one CheXpert observation for one image, typed so
// that callers never compare strings such as "-1.0".
type Label int8

// The four label values of MIMIC-CXR-JPG's label files. Missing (the zero
// value) means the observation was not mentioned in the report; it is not
// the same as Negative.
const (
	Missing   Label = iota // empty cell: not mentioned
	Positive               // 1.0
	Negative               // 0.0
	Uncertain              // -1.0
)

// String returns the value as MIMIC's CSVs write it: "1.0", "0.0", "-1.0"
// or "" for Missing.
func (l Label) String() string {
	switch l {
	case Positive:
		return chexpert.Positive
	case Negative:
		return chexpert.Negative
	case Uncertain:
		return chexpert.Uncertain
	default:
		return chexpert.Missing
	}
}

// Name returns a word for the value, for reports and messages:
// "positive", "negative", "uncertain" or "missing".
func (l Label) Name() string {
	switch l {
	case Positive:
		return "positive"
	case Negative:
		return "negative"
	case Uncertain:
		return "uncertain"
	default:
		return "missing"
	}
}

// ParseLabel reads a label cell. It accepts the verbatim values ("1.0",
// "0.0", "-1.0", "") and their numeric equivalents ("1", "-1.00", " 0 "),
// because tools that rewrite the CSVs (pandas, spreadsheets) change the
// spelling but not the value. Anything else is an error.
func ParseLabel(s string) (Label, error) {
	s = strings.TrimSpace(s)
	switch s {
	case chexpert.Positive:
		return Positive, nil
	case chexpert.Negative:
		return Negative, nil
	case chexpert.Uncertain:
		return Uncertain, nil
	case chexpert.Missing:
		return Missing, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Missing, fmt.Errorf("label value %q is not 1.0, 0.0, -1.0 or empty", s)
	}
	switch v {
	case 1:
		return Positive, nil
	case 0:
		return Negative, nil
	case -1:
		return Uncertain, nil
	}
	return Missing, fmt.Errorf("label value %q is not 1.0, 0.0, -1.0 or empty", s)
}

// NumLabels is the number of CheXpert observations.
const NumLabels = len(chexpert.Alphabetical)

// LabelNames returns the 14 CheXpert observation names in alphabetical
// order (the order of MIMIC-CXR-JPG's label files). Labels.At(i) and
// Labels.Get(LabelNames()[i]) agree.
func LabelNames() []string {
	names := chexpert.Alphabetical
	return names[:]
}

// labelIndex returns the alphabetical index of a label name, or -1.
func labelIndex(name string) int {
	for i, n := range chexpert.Alphabetical {
		if n == name {
			return i
		}
	}
	return -1
}

// Labels holds the 14 label values of one image, stored in alphabetical
// order of the names. Look values up by name with Get.
type Labels [NumLabels]Label

// Get returns the value of the named observation ("Pleural Effusion").
// ok is false when the name is not one of the 14 CheXpert observations.
func (l *Labels) Get(name string) (v Label, ok bool) {
	i := labelIndex(name)
	if i < 0 {
		return Missing, false
	}
	return l[i], true
}

// At returns the value of the i-th name of LabelNames.
func (l *Labels) At(i int) Label { return l[i] }
