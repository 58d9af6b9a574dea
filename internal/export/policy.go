package export

import (
	"fmt"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// Task selects the columns of an export.
type Task string

// The export tasks.
const (
	// Classification writes DicomPath and the 14 labels.
	Classification Task = "classification"
	// Segmentation writes DicomPath and DicomPathMask.
	Segmentation Task = "segmentation"
	// ReportGeneration writes DicomPath and Reports.
	ReportGeneration Task = "report-generation"
)

// ParseTask checks a task name.
func ParseTask(s string) (Task, error) {
	switch t := Task(s); t {
	case Classification, Segmentation, ReportGeneration:
		return t, nil
	}
	return "", fmt.Errorf("task %q is not classification, segmentation or report-generation", s)
}

// Uncertain is the policy for uncertain labels (-1.0), after Irvin et al.,
// "CheXpert" (AAAI 2019).
type Uncertain string

// Uncertainty policies.
const (
	UOnes   Uncertain = "ones"   // U-Ones: uncertain counts as positive (1.0)
	UZeros  Uncertain = "zeros"  // U-Zeros: uncertain counts as negative (0.0)
	UIgnore Uncertain = "ignore" // U-Ignore: empty cell, to be masked out of the loss
	UKeep   Uncertain = "keep"   // leave -1.0 as written, for users who apply their own policy
)

// ParseUncertain checks an uncertainty policy name.
func ParseUncertain(s string) (Uncertain, error) {
	switch u := Uncertain(s); u {
	case UOnes, UZeros, UIgnore, UKeep:
		return u, nil
	}
	return "", fmt.Errorf("uncertainty policy %q is not ones, zeros, ignore or keep", s)
}

// Missing is the policy for labels the report did not mention (empty cells
// in MIMIC's files).
type Missing string

// Missing-label policies.
const (
	// MissingZeros writes 0.0: CheXpert's practice ("not mentioned" is
	// trained as negative). With it, an empty output cell means exactly
	// "ignore" (U-Ignore), never "not mentioned".
	MissingZeros Missing = "zeros"
	// MissingBlank leaves the cell empty, as written.
	MissingBlank Missing = "blank"
)

// ParseMissing checks a missing-label policy name.
func ParseMissing(s string) (Missing, error) {
	switch m := Missing(s); m {
	case MissingZeros, MissingBlank:
		return m, nil
	}
	return "", fmt.Errorf("missing-label policy %q is not zeros or blank", s)
}

// Cell returns the output cell of a label under the two policies. Positive
// and negative labels are never changed.
func Cell(l dataset.Label, u Uncertain, m Missing) string {
	switch l {
	case dataset.Positive:
		return chexpert.Positive
	case dataset.Negative:
		return chexpert.Negative
	case dataset.Uncertain:
		switch u {
		case UOnes:
			return chexpert.Positive
		case UZeros:
			return chexpert.Negative
		case UKeep:
			return chexpert.Uncertain
		default:
			return chexpert.Missing
		}
	default:
		if m == MissingZeros {
			return chexpert.Negative
		}
		return chexpert.Missing
	}
}
