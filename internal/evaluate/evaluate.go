// Package evaluate scores a segmentation model on images with lung masks:
// Dice, IoU, precision, recall (package metrics) and HD95, in four variants:
//
//   - 224/raw: probabilities > 0.5 at the model's 224x224 against the mask
//     brought to 224 the way training does (preprocess.Mask);
//   - 224/clean: the same after the product's clean-up (imgproc.Cleaner);
//   - orig/raw: probabilities upsampled bilinearly to the mask's own
//     resolution, then > 0.5, against the mask file itself;
//   - orig/clean: the cleaned 224 mask upsampled the same way (as 0/1
//     values, thresholded at one half) against the mask file: what a
//     224x224 build output gives at the original's resolution;
//   - orig/512: the mask `cxlseg build --size 512` writes
//     (imgproc.MaskScaler to 512x512), brought to the mask's resolution
//     like orig/clean, against the mask file;
//   - orig/native: the mask `cxlseg build --size native` writes
//     (imgproc.MaskScaler straight to the mask's own size).
//
// Results are kept per image (WriteCSV) and summarised per split, per
// source and per source within each split (Summaries, WriteJSON, Table).
package evaluate

import (
	"context"
	"fmt"
	"image"
	"io"
	"time"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/maskqa"
	"github.com/cxlseg/cxlseg/internal/metrics"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// Variants names the scorings, in the order of Row.Scores.
var Variants = [6]string{"224/raw", "224/clean", "orig/raw", "orig/clean", "orig/512", "orig/native"}

// Options configures a run.
type Options struct {
	// Backend runs the model; its input side must be Size.
	Backend segment.Backend
	// Size is the model input side (preprocess.Size unless testing).
	Size int
	// Clean configures the clean-up of the "clean" variants.
	Clean imgproc.CleanParams
	// Progress, when set, receives a line every few batches.
	Progress io.Writer
}

// Row is one image's result.
type Row struct {
	Item lungdata.Item
	// Width and Height are the mask file's size (the "orig" resolution).
	Width, Height int
	Scores        [len(Variants)]metrics.Score // indexed like Variants
	// QA is the product's quality measurement of the cleaned 224 mask
	// (features and estimated Dice, as CXLSeg-qa.csv has them).
	QA maskqa.Result
}

// Result is a whole evaluation.
type Result struct {
	Rows    []Row
	Backend string
	Clean   string
	Seconds float64
}

// Run evaluates items with the backend in opts.
func Run(ctx context.Context, items []lungdata.Item, opts Options) (*Result, error) {
	size := opts.Size
	if size == 0 {
		size = preprocess.Size
	}
	be := opts.Backend
	batch := max(1, be.MaxBatch())
	n := size * size
	var (
		ld      = lungdata.NewLoader()
		pp      = preprocess.New(size)
		cleaner = imgproc.NewCleaner(opts.Clean)
		meter   = maskqa.NewMeter(maskqa.DefaultThresholds())
		hd224   = metrics.NewHausdorff(size, size)
		hdOrig  = map[[2]int]*metrics.Hausdorff{}
		in      = make([]float32, batch*n)
		probs   = make([]float32, batch*n)
		truth   = make([]uint8, batch*n)
		masks   = make([]*image.Gray, batch)
		pred    = make([]uint8, n)
		clean   = image.NewGray(image.Rect(0, 0, size, size))
		clean01 = make([]float32, n)
		up      []float32 // at the mask's resolution, grown as needed
		upBin   []uint8
		fr      imgproc.FloatResizer
		scaler  = imgproc.NewMaskScaler(opts.Clean.Threshold)
		out512  = image.NewGray(image.Rect(0, 0, 512, 512))
		f512    = make([]float32, 512*512)
		native  image.Gray
	)
	res := &Result{Backend: be.Name(), Clean: opts.Clean.String(), Rows: make([]Row, 0, len(items))}
	start := time.Now()
	for b0 := 0; b0 < len(items); b0 += batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		bn := min(batch, len(items)-b0)
		for j := range bn {
			it := items[b0+j]
			img, m, err := ld.Pair(it)
			if err != nil {
				return nil, err
			}
			if err := pp.Apply(in[j*n:(j+1)*n], img); err != nil {
				return nil, fmt.Errorf("%s: %w", it.Image, err)
			}
			if err := pp.Mask(truth[j*n:(j+1)*n], m); err != nil {
				return nil, fmt.Errorf("%s: %w", it.Masks[0], err)
			}
			masks[j] = m
		}
		if err := be.Predict(in[:bn*n], bn, probs[:bn*n]); err != nil {
			return nil, fmt.Errorf("evaluate: predict: %w", err)
		}
		for j := range bn {
			p, t, m := probs[j*n:(j+1)*n], truth[j*n:(j+1)*n], masks[j]
			w, h := m.Rect.Dx(), m.Rect.Dy()
			row := Row{Item: items[b0+j], Width: w, Height: h}
			hd := hdOrig[[2]int{w, h}]
			if hd == nil {
				hd = metrics.NewHausdorff(w, h)
				hdOrig[[2]int{w, h}] = hd
			}
			origTruth := m.Pix // masks from the Loader are tightly packed
			thresholdTo(pred, p)
			var err error
			if row.Scores[0], err = score(pred, t, hd224); err != nil {
				return nil, err
			}
			cleaner.Clean(clean, p)
			if row.Scores[1], err = score(clean.Pix, t, hd224); err != nil {
				return nil, err
			}
			row.QA = meter.Measure(clean, p)
			row.QA.Components = nil // not needed; keeps rows small
			if len(up) < w*h {
				up, upBin = make([]float32, w*h), make([]uint8, w*h)
			}
			up, upBin := up[:w*h], upBin[:w*h]
			fr.Resize(up, w, h, p, size, size)
			thresholdTo(upBin, up)
			if row.Scores[2], err = score(upBin, origTruth, hd); err != nil {
				return nil, err
			}
			for i, v := range clean.Pix {
				clean01[i] = float32(v) / 255
			}
			fr.Resize(up, w, h, clean01, size, size)
			thresholdTo(upBin, up)
			if row.Scores[3], err = score(upBin, origTruth, hd); err != nil {
				return nil, err
			}
			scaler.Scale(out512, p, clean)
			for i, v := range out512.Pix {
				f512[i] = float32(v) / 255
			}
			fr.Resize(up, w, h, f512, 512, 512)
			thresholdTo(upBin, up)
			if row.Scores[4], err = score(upBin, origTruth, hd); err != nil {
				return nil, err
			}
			native = image.Gray{Pix: upBin, Stride: w, Rect: image.Rect(0, 0, w, h)}
			scaler.Scale(&native, p, clean)
			for i, v := range upBin {
				upBin[i] = v / 255
			}
			if row.Scores[5], err = score(upBin, origTruth, hd); err != nil {
				return nil, err
			}
			res.Rows = append(res.Rows, row)
		}
		if opts.Progress != nil && (b0/batch)%10 == 9 {
			fmt.Fprintf(opts.Progress, "eval: %d/%d images, %.1f img/s\n", b0+bn, len(items), float64(b0+bn)/time.Since(start).Seconds())
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// thresholdTo writes 1 where p > 0.5 (the Cleaner's rule), else 0.
func thresholdTo(dst []uint8, p []float32) {
	for i, v := range p {
		if v > 0.5 {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

func score(pred, truth []uint8, hd *metrics.Hausdorff) (metrics.Score, error) {
	c, err := metrics.Count(pred, truth)
	if err != nil {
		return metrics.Score{}, err
	}
	d, err := hd.HD95(pred, truth)
	if err != nil {
		return metrics.Score{}, err
	}
	return metrics.NewScore(c, d), nil
}
