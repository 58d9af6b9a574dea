// Package metrics scores binary segmentation masks: Dice, IoU, precision,
// recall and the 95th-percentile symmetric Hausdorff distance (HD95), per
// image and summarised over a set (mean, median and pooled).
//
// Masks are flat []uint8 slices of w*h pixels, row-major; any non-zero value
// is foreground. That is both the 0/1 training masks and the 0/255 PNG/JPEG
// masks without conversion.
//
// Empty masks: a ratio whose denominator is zero is 1 when both masks are
// empty (nothing to find, nothing found) and 0 otherwise, so an image where
// the model misses everything or invents everything scores 0, never NaN.
// HD95 is 0 when both masks are empty and the image diagonal (the largest
// distance possible inside the image) when exactly one is empty.
package metrics

import "fmt"

// Counts is the pixel confusion matrix of one prediction against its truth.
type Counts struct {
	TP, FP, FN, TN int64
}

// Add returns the element-wise sum, used to pool counts over images.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.TP + o.TP, c.FP + o.FP, c.FN + o.FN, c.TN + o.TN}
}

// Count compares pred with truth pixel by pixel. Both must have the same
// length.
func Count(pred, truth []uint8) (Counts, error) {
	if len(pred) != len(truth) {
		return Counts{}, fmt.Errorf("metrics: prediction has %d pixels, truth %d", len(pred), len(truth))
	}
	var c Counts
	for i, p := range pred {
		t := truth[i]
		switch {
		case p != 0 && t != 0:
			c.TP++
		case p != 0:
			c.FP++
		case t != 0:
			c.FN++
		default:
			c.TN++
		}
	}
	return c, nil
}

// ratio is num/den with the package's empty-mask convention: 0/0 is 1 when
// both masks are empty (no truth and no prediction), 0 otherwise.
func (c Counts) ratio(num, den int64) float64 {
	if den == 0 {
		if c.TP+c.FP+c.FN == 0 {
			return 1
		}
		return 0
	}
	return float64(num) / float64(den)
}

// Dice is 2TP / (2TP + FP + FN).
func (c Counts) Dice() float64 { return c.ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// IoU is TP / (TP + FP + FN) (Jaccard index).
func (c Counts) IoU() float64 { return c.ratio(c.TP, c.TP+c.FP+c.FN) }

// Precision is TP / (TP + FP).
func (c Counts) Precision() float64 { return c.ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN) (sensitivity).
func (c Counts) Recall() float64 { return c.ratio(c.TP, c.TP+c.FN) }
