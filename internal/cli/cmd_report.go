package cli

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/htmlreport"
)

// runReport writes the self-contained HTML QA report of a built dataset.
func runReport(env *Env, args []string) error {
	fs := newFlags(env, "report", "DIR [--out DIR/report.html] [--sample 48] [--seed 1]")
	out := fs.String("out", "", "output HTML file (default DIR/report.html)")
	sample := fs.Int("sample", 48, "images in the random contact sheet (0 for none)")
	seed := fs.Uint64("seed", 1, "seed of the random sample")
	worst := fs.Int("worst", 24, "images in the worst-QA contact sheet (0 for none)")
	maxEx := fs.Int("max-exclusions", 1000, "exclusion rows listed in the page (0 for none; all are counted)")
	mimic := fs.String("mimic", "", "MIMIC-CXR-JPG root: draw contours on the originals found there instead of the segmented images")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want exactly one dataset directory, got %d arguments", errUsage, len(pos))
	}
	dir := pos[0]
	if *out == "" {
		*out = filepath.Join(dir, "report.html")
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		return err
	}
	// The package treats 0 as "default", the command line as "none".
	opt := htmlreport.Options{Sample: noneIfZero(*sample), Seed: *seed, Worst: noneIfZero(*worst),
		MaxExclusions: noneIfZero(*maxEx), MimicRoot: *mimic}
	sum, err := htmlreport.Write(ds, *out, opt)
	if err != nil {
		return err
	}
	for _, p := range sum.Problems {
		fmt.Fprintf(env.Stderr, "warning: %s\n", p)
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%d images, %d KB); open it in a browser, it needs no network\n",
		*out, sum.Tiles, (sum.Bytes+1023)/1024)
	return nil
}

// noneIfZero maps a command-line count of 0 to -1 ("none") for packages
// whose zero value means "default".
func noneIfZero(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("report DIR --out x" as well as "report --out x DIR") and
// returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
