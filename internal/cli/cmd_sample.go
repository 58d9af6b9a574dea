package cli

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"time"

	"github.com/cxlseg/cxlseg/internal/sample"
)

// runSample writes the bundled MIMIC-CXR-JPG-shaped sample tree, with
// optional synthetic phantoms.
func runSample(env *Env, args []string) error {
	fs := newFlags(env, "sample", "--out DIR [--phantoms N --seed S]")
	out := fs.String("out", "cxlseg-sample", "folder to write the tree into (created if needed)")
	phantoms := fs.Int("phantoms", 0, "also write N synthetic 2544x3056 phantom X-rays with lung masks")
	seed := fs.Uint64("seed", 1, "seed of the phantoms (same seed, same bytes)")
	workers := fs.Int("workers", 0, "goroutines rendering phantoms (0: one per CPU)")
	force := fs.Bool("force", false, "write into a folder that is not empty (files of the same names are replaced)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *phantoms < 0 {
		return fmt.Errorf("%w: --phantoms must be at least 0", errUsage)
	}
	if *workers < 0 {
		return fmt.Errorf("%w: --workers must be at least 0", errUsage)
	}
	if !*force {
		if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 {
			return fmt.Errorf("%s is not empty (%d entries, e.g. %s): the sample would replace files of the same names; choose an empty or new folder, or pass --force", *out, len(ents), ents[0].Name())
		} else if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("sample: %w", err)
		}
	}
	start := time.Now()
	sum, err := sample.Write(*out, sample.Options{Phantoms: *phantoms, Seed: *seed, Workers: *workers})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s in %.1fs: %d subjects, %d studies, %d images (%d frontal with report, %d other views, %d without report, %d with an empty report, %d missing files), %d phantoms\n",
		sum.Dir, time.Since(start).Seconds(), sum.Subjects, sum.Studies, len(sum.Images),
		sum.Count(sample.ExpectSelected), sum.Count(sample.ExpectNotFrontal), sum.Count(sample.ExpectNoReport),
		sum.Count(sample.ExpectEmptyReport), sum.Count(sample.ExpectMissingImage), sum.Phantoms)
	return nil
}
