package builder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/catalog"
)

// StateDir is the folder under OUT holding each shard's journal, manifest
// and partial CSVs (an unsharded build is shard 0-of-1).
const StateDir = cxlcsv.StateDir

// JournalFile is the journal's name in a shard's state folder.
const JournalFile = "journal.jsonl"

// Result is what Run did.
type Result struct {
	// Out is the output root; StateDir the shard's state folder.
	Out, ShardDir string
	// Stats are this run's counts and timings.
	Stats *Stats
	// Dataset is set when the final CSVs were written (unsharded builds).
	Dataset *Counts
	// Backend says what ran inference.
	Backend BackendInfo
}

// Run builds the dataset (or one shard of it) described by o. It resumes
// from the shard's journal unless o.NoResume. On cancellation it stops
// after the images in flight and returns ctx's error; the state stays
// resumable.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	start := time.Now()
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := checkOutside(o.Out, map[string]string{"--mimic": o.Mimic, "--reports": o.Reports}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if err := checkWritable(o.Out); err != nil {
		return nil, err
	}
	shardDir := filepath.Join(o.Out, StateDir, o.Shard.Dir())
	if err := os.MkdirAll(shardDir, 0o755); err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	unlock, err := lockDir(shardDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		unlock()
		// A run that failed before writing anything leaves no empty
		// state folders (Remove fails on a folder with content).
		os.Remove(shardDir)
		os.Remove(filepath.Join(o.Out, StateDir))
	}()

	cat, inputs, err := loadCatalog(ctx, &o)
	if err != nil {
		return nil, err
	}
	items := shardItems(cat, o.Shard)
	open := o.OpenBackend
	if open == nil {
		open = openDefaultBackend
	}
	be, info, err := open(&o)
	if err != nil {
		return nil, err
	}
	defer be.Close()
	if mb := be.MaxBatch(); mb > 0 && o.Batch > mb {
		o.Batch = mb
	}
	fmt.Fprintf(logw, "cxlseg build: %d metadata rows, %d selected, %d excluded by the catalog; shard %s has %d images\n",
		cat.Rows, len(cat.Records), len(cat.Exclusions), o.Shard, len(items))
	fmt.Fprintf(logw, "backend: %s (%s)\n", info.Name, info.Why)

	manPath := filepath.Join(shardDir, ManifestFile)
	if !o.NoResume {
		if err := checkResumable(manPath, &o, info); err != nil {
			return nil, err
		}
	}
	man := newManifest(&o, start)
	man.Backend, man.Inputs = info, inputs
	if err := man.write(manPath); err != nil {
		return nil, err
	}
	jpath := filepath.Join(shardDir, JournalFile)
	j, prior, err := OpenJournal(jpath, o.NoResume)
	if err != nil {
		return nil, err
	}
	if prior.Dropped > 0 {
		fmt.Fprintf(logw, "journal: dropped %d torn or corrupt line(s); those images are redone\n", prior.Dropped)
	}
	stats := newStats()
	stats.Selected = len(items)
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	factory, decoder := newImageStages(&o)
	man.Decoder = decoder
	realRoot, err := safeio.Resolve(o.Mimic)
	if err != nil {
		return nil, fmt.Errorf("MIMIC root: %w", err)
	}
	p := &pipeline{root: realRoot, out: o.Out, items: items, prior: prior.Latest(), backend: be, stages: factory,
		fw: atomicWriter{}, journal: j, size: o.Size, preWorkers: workers, postWorkers: max(1, workers/2), batch: o.Batch,
		stats: stats, progress: newProgress(o.Progress, "build "+o.Shard.String(), len(items), start)}
	pipeStart := time.Now()
	runErr := p.run(ctx)
	pipeTime := time.Since(pipeStart)
	if cerr := j.Close(); runErr == nil {
		runErr = cerr
	}
	p.progress.finish(time.Now())
	stats.finish(time.Since(start), pipeTime)
	res := &Result{Out: o.Out, ShardDir: shardDir, Stats: stats, Backend: info}
	man.Run = stats

	if runErr == nil {
		runErr = ctx.Err()
	}
	if runErr == nil {
		runErr = finishShard(cat, &o, jpath, shardDir, man, res)
	}
	man.End = time.Now().UTC()
	switch {
	case runErr == nil:
		man.Status = "complete"
	case errors.Is(runErr, context.Canceled):
		man.Status = "interrupted"
		runErr = fmt.Errorf("interrupted after the images in flight; run the same command again to resume: %w", runErr)
	default:
		man.Status, man.Error = "failed", runErr.Error()
	}
	if err := man.write(manPath); err != nil && runErr == nil {
		runErr = err
	}
	if res.Dataset != nil && runErr == nil {
		runErr = man.write(filepath.Join(o.Out, ManifestFile))
	}
	stats.Print(logw)
	if res.Dataset != nil {
		res.Dataset.Print(logw)
	}
	return res, runErr
}

// finishShard writes the shard's partial CSVs and, for an unsharded
// build, the final dataset.
func finishShard(cat *catalog.Catalog, o *Options, jpath, shardDir string, man *Manifest, res *Result) error {
	c, err := ReadJournal(jpath)
	if err != nil {
		return err
	}
	out, err := join(cat, o.Shard, c.Latest())
	if err != nil {
		return err
	}
	if err := writeShardPartial(shardDir, out); err != nil {
		return err
	}
	if o.Shard.Sharded() {
		return nil
	}
	counts, err := writeDataset(o.Out, cat, out, o.Split, o.Seed, o.MaskFormat)
	if err != nil {
		return err
	}
	res.Dataset, man.Dataset = counts, counts
	return nil
}

// checkWritable fails early, with a clear message, when dir refuses new
// files.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".cxlseg-write-test-*")
	if err != nil {
		return fmt.Errorf("output folder %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// checkResumable refuses to resume a shard whose earlier run used another
// model or other per-image policies: mixing their outputs would give a
// dataset no single run could produce. Parameters that only shape the
// CSVs (labels, split, report text) may change: the CSVs are rewritten
// from the journal at the end.
func checkResumable(manPath string, o *Options, info BackendInfo) error {
	prev, err := readManifest(manPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	why := ""
	switch {
	case prev.Backend.ModelSHA256 != info.ModelSHA256:
		why = fmt.Sprintf("the model changed (sha256 %.12s... then, %.12s... now)", prev.Backend.ModelSHA256, info.ModelSHA256)
	case prev.Options.Truncated != o.Truncated || prev.Options.SizeMismatch != o.SizeMismatch:
		why = "the --truncated or --size-mismatch policy changed"
	case prev.Backend.precision() != info.precision():
		why = fmt.Sprintf("the inference precision changed (%s then, %s now: --precision)", prev.Backend.precision(), info.precision())
	case !sameOutputs(&prev.Options, o):
		ps, pf := outputsOf(&prev.Options)
		why = fmt.Sprintf("the outputs changed (--size %s --mask-format %s then, --size %s --mask-format %s now)",
			SizeText(ps), pf, SizeText(o.Size), o.MaskFormat)
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("cannot resume %s: %s since the earlier run; pass --no-resume to rebuild, or use another --out", filepath.Dir(manPath), why)
}
