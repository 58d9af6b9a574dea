package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cxlseg/cxlseg/internal/evaluate"
	"github.com/cxlseg/cxlseg/internal/maskqa"
)

// runQACalibrate fits the estimated-Dice model of the mask QA on one eval
// output and reports how it ranks and flags the masks of another.
func runQACalibrate(env *Env, args []string) error {
	fs := newFlags(env, "qa-calibrate", "--fit VAL/per_image.csv [--test TEST/per_image.csv] [flags]")
	fit := fs.String("fit", "", "per_image.csv of `cxlseg eval` on the images to fit on (e.g. the validate split)")
	test := fs.String("test", "", "per_image.csv of `cxlseg eval` on held-out images to report on (e.g. the test split)")
	bad := fs.Float64("bad", 0.90, "true Dice under which a mask counts as bad")
	good := fs.Float64("good", 0.95, "true Dice from which a mask counts as good")
	maxGood := fs.Float64("max-good-flagged", 0.10, "largest share of good masks the chosen threshold may flag on --fit")
	ridge := fs.Float64("ridge", 1e-3, "ridge penalty of the least-squares fit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fit == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --fit is required", errUsage)
	}
	fr, err := evaluate.ReadQARows(*fit)
	if err != nil {
		return err
	}
	est, err := maskqa.Fit(fr.QA, fr.Dice, *ridge)
	if err != nil {
		return err
	}
	w := env.Stdout
	fmt.Fprintf(w, "fitted on %s (%d masks): est_dice = clamp(", *fit, len(fr.Dice))
	for i, n := range maskqa.TermNames() {
		if i > 0 {
			fmt.Fprint(w, " + ")
		}
		fmt.Fprintf(w, "%.4f*%s", est.Coef[i], n)
	}
	fmt.Fprintln(w, ", 0, 1)")
	fmt.Fprintf(w, "Go: maskqa.Estimator{Coef: []float64{%s}}\n", joinFloats(est.Coef))
	// The threshold: the highest that flags at most maxGood of the good
	// masks of the fit set (more flags catch more bad masks).
	fitEst := estimates(est, fr)
	thr := 0.0
	for t := 0.80; t <= 0.99+1e-9; t += 0.005 {
		if _, g, _, _ := maskqa.FlagRates(fitEst, fr.Dice, t, *bad, *good); g <= *maxGood {
			thr = t
		}
	}
	fmt.Fprintf(w, "threshold: %.3f (the highest flagging at most %.0f%% of the good masks of --fit)\n", thr, 100**maxGood)
	qaReport(w, "fit", fr, fitEst, thr, *bad, *good)
	if *test != "" {
		tr, err := evaluate.ReadQARows(*test)
		if err != nil {
			return err
		}
		qaReport(w, "test", tr, estimates(est, tr), thr, *bad, *good)
	}
	return nil
}

func estimates(e maskqa.Estimator, r *evaluate.QARows) []float64 {
	out := make([]float64, len(r.QA))
	for i, q := range r.QA {
		out[i] = e.Estimate(q)
	}
	return out
}

// qaReport prints Spearman and the flag rates, for all masks, by mask
// convention and by source.
func qaReport(w io.Writer, name string, r *evaluate.QARows, est []float64, thr, bad, good float64) {
	type group struct{ label, conv, src string }
	groups := []group{{label: "all"}}
	for _, c := range slices.Compact(slices.Sorted(slices.Values(r.Convention))) {
		if c != "" {
			groups = append(groups, group{label: "convention " + c, conv: c})
		}
	}
	for _, s := range slices.Compact(slices.Sorted(slices.Values(r.Source))) {
		groups = append(groups, group{label: s, src: s})
	}
	for _, g := range groups {
		var e, d []float64
		for i := range est {
			if (g.src == "" || r.Source[i] == g.src) && (g.conv == "" || r.Convention[i] == g.conv) {
				e, d = append(e, est[i]), append(d, r.Dice[i])
			}
		}
		label := g.label
		fb, fg, nb, ng := maskqa.FlagRates(e, d, thr, bad, good)
		fmt.Fprintf(w, "%-5s %-36s n %4d  spearman %.3f  flagged: %5.1f%% of %d with Dice < %.2f, %5.1f%% of %d with Dice >= %.2f\n",
			name, label, len(e), maskqa.Spearman(e, d), 100*fb, nb, bad, 100*fg, ng, good)
	}
}

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.4f", x)
	}
	return strings.Join(s, ", ")
}
