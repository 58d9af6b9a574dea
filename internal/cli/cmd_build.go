package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/cxlseg/cxlseg/internal/backend"
	"github.com/cxlseg/cxlseg/internal/builder"
)

// runBuild segments every selected MIMIC-CXR-JPG image and writes the
// CXLSeg dataset (or one shard of it).
func runBuild(env *Env, args []string) error {
	fs := newFlags(env, "build", "--mimic ROOT [--reports DIR|ZIP] --out DIR [flags]")
	o := builder.Defaults()
	var views, shard string
	var shards int
	fs.StringVar(&o.Mimic, "mimic", "", "MIMIC-CXR-JPG root (holds the CSVs and files/)")
	fs.StringVar(&o.Reports, "reports", "", "report texts: a folder with files/pXX/pS/sS.txt or mimic-cxr-reports.zip (default: the MIMIC root)")
	fs.StringVar(&o.Out, "out", "", "output folder of the dataset")
	bc := backend.Config{Kind: o.Backend}
	bc.RegisterFlags(fs)
	fs.StringVar(&o.Model, "model", "", "model weights (default: the embedded model)")
	fs.IntVar(&o.Batch, "batch", o.Batch, "images per inference batch")
	fs.IntVar(&o.Threads, "threads", 0, "inference threads (default: all cores)")
	fs.IntVar(&o.Workers, "workers", 0, "decode workers (default: all cores)")
	fs.StringVar(&o.Labels, "labels", o.Labels, "labels: chexpert or negbio (MIMIC's files), or builtin (cxlseg's labeler on the reports)")
	fs.StringVar(&o.Split, "split", o.Split, "split: cxlseg (seeded image shuffle), patient or official")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the cxlseg and patient splits")
	fs.StringVar(&o.ReportText, "report-text", o.ReportText, "Reports column: sections (impression > findings > ...) or full")
	fs.StringVar(&views, "views", strings.Join(o.Views, ","), "ViewPosition values to keep, comma-separated")
	fs.StringVar(&o.NonUTF8, "non-utf8", o.NonUTF8, "reports that are not UTF-8: exclude or latin1")
	truncated := fs.String("truncated", string(o.Truncated), "JPEGs the decoder recovered from (truncated): skip or keep")
	mismatch := fs.String("size-mismatch", string(o.SizeMismatch), "decoded size differs from Rows/Columns: keep (noted) or exclude")
	fs.StringVar(&shard, "shard", "", "process shard i of N (i/N); also JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID")
	fs.IntVar(&shards, "shards", 0, "shard count N when the index comes from the environment")
	fs.BoolVar(&o.NoResume, "no-resume", false, "ignore the journal of an earlier run and redo every image")
	size := fs.String("size", builder.SizeText(o.Size), "side of the mask and segmented image: 224 (CXLSeg), another side such as 512 or 1024, or native (each original's size)")
	fs.StringVar(&o.MaskFormat, "mask-format", o.MaskFormat, "masks as jpeg (CXLSeg), png (lossless) or rle (no files: CheXmask-style RLE in CXLSeg-mask.csv)")
	quiet := fs.Bool("quiet", false, "no progress display")
	cpuprofile := fs.String("cpuprofile", "", "write a Go CPU profile to this file (for performance work)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if o.Mimic == "" || o.Out == "" {
		return fmt.Errorf("%w: --mimic and --out are required", errUsage)
	}
	switch builder.Policy(*truncated) {
	case builder.TruncatedSkip, builder.TruncatedKeep:
		o.Truncated = builder.Policy(*truncated)
	default:
		return fmt.Errorf("%w: --truncated %q: want skip or keep", errUsage, *truncated)
	}
	switch builder.Policy(*mismatch) {
	case builder.MismatchKeep, builder.MismatchExclude:
		o.SizeMismatch = builder.Policy(*mismatch)
	default:
		return fmt.Errorf("%w: --size-mismatch %q: want keep or exclude", errUsage, *mismatch)
	}
	if o.Batch < 1 {
		return fmt.Errorf("%w: --batch %d: want 1..%d", errUsage, o.Batch, builder.MaxBatch)
	}
	n, err := builder.ParseSize(*size)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	o.Size = n
	switch o.MaskFormat {
	case builder.MaskJPEG, builder.MaskPNG, builder.MaskRLE:
	default:
		return fmt.Errorf("%w: --mask-format %q: want jpeg, png or rle", errUsage, o.MaskFormat)
	}
	o.Views = splitList(views)
	o.Backend, o.ORTLib, o.CUDA = bc.Kind, bc.ORTLib, bc.CUDA
	o.Precision, o.Calibrate = bc.Precision, bc.Calibrate
	s, err := builder.ShardFromEnv(shard, shards, os.Getenv)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	o.Shard = s
	o.Log = env.Stdout
	if !*quiet {
		o.Progress = env.Stderr
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	res, err := builder.Run(env.Ctx, o)
	if err != nil {
		return err
	}
	if o.Shard.Sharded() {
		fmt.Fprintf(env.Stdout, "shard %s done; when every shard is done: cxlseg merge --out %s\n", o.Shard, o.Out)
		return nil
	}
	fmt.Fprintf(env.Stdout, "dataset written to %s (%d images)\n", res.Out, res.Dataset.Images)
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
