package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/plot"
)

// Epoch is one finished epoch, as logged in log.jsonl.
type Epoch struct {
	Epoch     int     `json:"epoch"` // 1-based
	LR        float64 `json:"lr"`
	Images    int     `json:"images"`
	TrainLoss float64 `json:"train_loss"`
	ValLoss   float64 `json:"val_loss"`
	// ValDice is the mean per-image Dice (threshold 0.5, at the model size)
	// over all validate images; ValDiceBy splits it by mask convention.
	ValDice   float64            `json:"val_dice"`
	ValDiceBy map[string]float64 `json:"val_dice_by_convention"`
	// Score is the selection score (see Selection).
	Score   float64 `json:"score"`
	Best    bool    `json:"best"`
	Seconds float64 `json:"seconds"`
	ImgPerS float64 `json:"img_per_s"`
}

// State is the run state saved in every checkpoint next to the weights.
type State struct {
	// Done is the number of finished epochs.
	Done      int     `json:"done"`
	LR        float64 `json:"lr"`
	BestScore float64 `json:"best_score"`
	BestEpoch int     `json:"best_epoch"`
	// SinceBest counts epochs without improvement (for the plateau rule).
	SinceBest int     `json:"since_best"`
	History   []Epoch `json:"history"`
	// Seconds is the training wall time summed over invocations.
	Seconds float64 `json:"seconds"`
}

// writeLog rewrites log.jsonl from the history, atomically, so the log never
// disagrees with the checkpoint it belongs to.
func writeLog(path string, hist []Epoch) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range hist {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return atomicfile.WriteFile(path, buf.Bytes(), 0o644)
}

// writePlot draws the loss and Dice curves.
func writePlot(path string, hist []Epoch) error {
	n := len(hist)
	x, tl, vl, vd := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	convs := map[string][]float64{}
	for i, e := range hist {
		x[i], tl[i], vl[i], vd[i] = float64(e.Epoch), e.TrainLoss, e.ValLoss, e.ValDice
		for c, d := range e.ValDiceBy {
			if convs[c] == nil {
				convs[c] = nanSlice(n)
			}
			convs[c][i] = d
		}
	}
	dice := []plot.Series{{Name: "validate", X: x, Y: vd}}
	for _, c := range []string{"heart-excluded", "retrocardiac-included"} {
		if ys, ok := convs[c]; ok && len(convs) > 1 {
			dice = append(dice, plot.Series{Name: c, X: x, Y: ys})
		}
	}
	return plot.WritePNG(path, 1100, 440,
		plot.Chart{Title: "Loss (BCE + 1 - Dice)", XLabel: "epoch", YLabel: "loss",
			Series: []plot.Series{{Name: "train", X: x, Y: tl}, {Name: "validate", X: x, Y: vl}}},
		plot.Chart{Title: "Validate Dice", XLabel: "epoch", YLabel: "Dice", Series: dice})
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
