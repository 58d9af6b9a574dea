package evaluate

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/maskqa"
)

// QARows are the quality measures and true Dice of the images of a
// per_image.csv, as needed to fit and check maskqa's estimator.
type QARows struct {
	QA         []maskqa.Result
	Dice       []float64 // dice_224_clean: the built mask against the truth
	Source     []string
	Convention []string
}

// ReadQARows reads the per_image.csv that WriteCSV wrote.
func ReadQARows(path string) (*QARows, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	need := []string{"id", "source", "dice_224_clean", "mean_prob", "fg_fraction", "lr_ratio", "uncertain", "soft_dice", "clean_change"}
	for _, c := range need {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no column %q (written by an older cxlseg eval?)", path, c)
		}
	}
	out := &QARows{}
	for n, r := range recs[1:] {
		num := func(c string) (float64, error) {
			s := r[col[c]]
			if s == "" || s == "NaN" {
				return math.NaN(), nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, fmt.Errorf("%s line %d: %s %q: %w", path, n+2, c, s, err)
			}
			return v, nil
		}
		var v [7]float64
		for i, c := range need[2:] {
			if v[i], err = num(c); err != nil {
				return nil, err
			}
		}
		q := maskqa.Result{MeanProb: v[1], FGFraction: v[2], LRRatio: v[3],
			Features: maskqa.Features{Uncertain: v[4], SoftDice: v[5], CleanChange: v[6]}}
		out.QA = append(out.QA, q)
		out.Dice = append(out.Dice, v[0])
		out.Source = append(out.Source, r[col["source"]])
		conv := ""
		if c, ok := col["convention"]; ok {
			conv = r[c]
		}
		out.Convention = append(out.Convention, conv)
	}
	return out, nil
}
