package cli

import (
	"fmt"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/sample"

	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/builder"
	"github.com/cxlseg/cxlseg/internal/cxlcsv"
)

// runDemo writes the bundled sample tree, builds CXLSeg from it with the
// embedded model and says what to look at.
func runDemo(env *Env, args []string) error {
	fs := newFlags(env, "demo", "[--out DIR]")
	o := builder.Defaults()
	out := fs.String("out", "cxlseg-demo", "folder for the sample tree and the built dataset")
	bc := backend.Config{Kind: o.Backend}
	bc.RegisterFlags(fs)
	fs.IntVar(&o.Threads, "threads", 0, "inference threads (default: all cores)")
	quiet := fs.Bool("quiet", false, "no progress display")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	o.Backend, o.ORTLib, o.CUDA = bc.Kind, bc.ORTLib, bc.CUDA
	o.Precision, o.Calibrate = bc.Precision, bc.Calibrate
	o.Log = env.Stdout
	if !*quiet {
		o.Progress = env.Stderr
	}
	if _, err := sample.Write(filepath.Join(*out, builder.DemoMimicDir), sample.Options{}); err != nil {
		return fmt.Errorf("demo: write the sample tree: %w", err)
	}
	d, err := builder.Demo(env.Ctx, *out, o)
	if err != nil {
		return err
	}
	w := env.Stdout
	fmt.Fprintf(w, "\nDemo done: %d images segmented from the sample tree %s\n", d.Dataset.Images, d.Mimic)
	fmt.Fprintf(w, "Open:\n")
	for _, f := range []string{cxlcsv.SegmentedFile, cxlcsv.MaskFile, cxlcsv.SplitFile, cxlcsv.MetadataFile, builder.QAFile, cxlcsv.ExclusionsFile, builder.ManifestFile} {
		fmt.Fprintf(w, "  %s\n", filepath.Join(d.Out, f))
	}
	if d.Overlay != "" {
		fmt.Fprintf(w, "  %s  (one image with its lung mask contour)\n", d.Overlay)
	}
	fmt.Fprintf(w, "  %s  (segmented images and masks, MIMIC layout)\n", filepath.Join(d.Out, "files"))
	fmt.Fprintf(w, "Next: cxlseg report %s   (an HTML QA report of the dataset)\n", d.Out)
	return nil
}
