package evaluate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/metrics"
)

// Group is the summary of one subset of images in every variant.
type Group struct {
	// Split and Source say which images: empty means all.
	Split    string                     `json:"split"`
	Source   string                     `json:"source"`
	Variants map[string]metrics.Summary `json:"variants"`
}

// Name is a short label such as "test/v7labs-covid" or "all/all".
func (g Group) Name() string {
	sp, so := g.Split, g.Source
	if sp == "" {
		sp = "all"
	}
	if so == "" {
		so = "all"
	}
	return sp + "/" + so
}

// Summaries groups the rows: all images (split "" and source ""), every
// split, every source, and every source within every split, in a stable
// order. A group holding exactly the images of an earlier group (the only
// source of a split, say) is left out.
func (r *Result) Summaries() []Group {
	var splits, sources []string
	for _, row := range r.Rows {
		if !slices.Contains(splits, row.Item.Split) {
			splits = append(splits, row.Item.Split)
		}
		if !slices.Contains(sources, row.Item.Source) {
			sources = append(sources, row.Item.Source)
		}
	}
	slices.Sort(splits)
	slices.Sort(sources)
	var groups []Group
	seen := map[string]bool{}
	for _, sp := range append([]string{""}, splits...) {
		for _, so := range append([]string{""}, sources...) {
			var rows []int
			for i, row := range r.Rows {
				if (sp == "" || row.Item.Split == sp) && (so == "" || row.Item.Source == so) {
					rows = append(rows, i)
				}
			}
			key := fmt.Sprint(rows)
			if len(rows) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			g := Group{Split: sp, Source: so, Variants: map[string]metrics.Summary{}}
			for v, name := range Variants {
				scores := make([]metrics.Score, len(rows))
				for j, i := range rows {
					scores[j] = r.Rows[i].Scores[v]
				}
				g.Variants[name] = metrics.Summarize(scores)
			}
			groups = append(groups, g)
		}
	}
	return groups
}

// csvHeader is the per-image CSV's first line.
func csvHeader() []string {
	h := []string{"id", "source", "split", "convention", "width", "height"}
	for _, name := range Variants {
		v := strings.ReplaceAll(name, "/", "_") // 224/raw -> dice_224_raw
		h = append(h, "dice_"+v, "iou_"+v, "precision_"+v, "recall_"+v, "hd95_"+v)
	}
	h = append(h, "mean_prob", "fg_fraction", "lr_ratio", "raw_components", "uncertain", "soft_dice", "clean_change", "est_dice", "flags")
	return h
}

// WriteCSV writes one line per image with every measure of every variant.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader()); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	for _, row := range r.Rows {
		rec := []string{row.Item.ID, row.Item.Source, row.Item.Split, row.Item.Convention,
			strconv.Itoa(row.Width), strconv.Itoa(row.Height)}
		for _, s := range row.Scores {
			rec = append(rec, f(s.Dice), f(s.IoU), f(s.Precision), f(s.Recall), f(s.HD95))
		}
		q := row.QA
		rec = append(rec, f(q.MeanProb), f(q.FGFraction), f(q.LRRatio), strconv.Itoa(q.RawLarge), f(q.Features.Uncertain),
			f(q.Features.SoftDice), f(q.Features.CleanChange), f(q.EstDice), strings.Join(q.Flags, ";"))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Summary is what WriteJSON writes.
type Summary struct {
	Backend string  `json:"backend"`
	Clean   string  `json:"clean"`
	Images  int     `json:"images"`
	Seconds float64 `json:"seconds"`
	Groups  []Group `json:"groups"`
}

// WriteJSON writes the grouped summaries.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Summary{Backend: r.Backend, Clean: r.Clean, Images: len(r.Rows), Seconds: r.Seconds, Groups: r.Summaries()})
}

// Table prints one line per group and variant: n, Dice (mean, median, 5th
// percentile, pooled), mean IoU, precision and recall, and HD95 (mean,
// median).
func (r *Result) Table(w io.Writer) {
	fmt.Fprintf(w, "%-48s %-10s %5s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n",
		"split/source", "variant", "n", "dice", "dice~", "dice5%", "diceP", "iou", "prec", "recall", "hd95", "hd95~")
	for _, g := range r.Summaries() {
		for _, v := range Variants {
			s, ok := g.Variants[v]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "%-48s %-10s %5d %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.2f %7.2f\n",
				g.Name(), v, s.N, s.Dice.Mean, s.Dice.Median, s.Dice.P5, s.Dice.Pooled, s.IoU.Mean,
				s.Precision.Mean, s.Recall.Mean, s.HD95.Mean, s.HD95.Median)
		}
	}
}

// WriteFiles writes per_image.csv and summary.json into dir, each
// atomically.
func (r *Result) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	var c, j bytes.Buffer
	if err := r.WriteCSV(&c); err != nil {
		return fmt.Errorf("write per_image.csv: %w", err)
	}
	if err := r.WriteJSON(&j); err != nil {
		return fmt.Errorf("write summary.json: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "per_image.csv"), c.Bytes(), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "summary.json"), j.Bytes(), 0o644)
}
