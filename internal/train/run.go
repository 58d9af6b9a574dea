package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/augment"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/model"
	"github.com/cxlseg/cxlseg/internal/preprocess"
)

// File names in Config.Out.
const (
	CheckpointFile = "checkpoint.safetensors"
	BestFile       = "best.safetensors"
	LogFile        = "log.jsonl"
	PlotFile       = "curves.png"
	ConfigFile     = "config.json"
)

// Metadata keys of the run state in checkpoints.
const (
	metaState  = "train_state"
	metaConfig = "train_config"
)

// minLR is the floor of the plateau rule.
const minLR = 1e-6

// Run trains as cfg says, printing progress to log, and returns the final
// state. With resume it continues from Out's checkpoint (which must come
// from the same configuration, Epochs and Threads aside) to the same result
// as an uninterrupted run with the same thread count; without, an existing
// checkpoint is an error. A cancelled ctx stops after the current step; the
// last finished epoch's checkpoint stays for a resume.
func Run(ctx context.Context, cfg Config, resume bool, log io.Writer) (*State, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	ckptPath := filepath.Join(cfg.Out, CheckpointFile)
	if !resume {
		if _, err := os.Stat(ckptPath); err == nil {
			return nil, fmt.Errorf("train: %s exists: continue it with --resume or choose another --out", ckptPath)
		}
	}

	listing, err := lungdata.Open(cfg.Data)
	if err != nil {
		return nil, err
	}
	var only []string
	for src := range cfg.Sources {
		only = append(only, src)
	}
	sort.Strings(only)
	for _, src := range only {
		if len(lungdata.Filter(listing.Items, "", src)) == 0 {
			return nil, fmt.Errorf("train: %s has no images of source %q", cfg.Data, src)
		}
	}
	trainItems := limitItems(lungdata.Filter(listing.Items, lungdata.Train, only...), cfg.Limit, cfg.Seed)
	valItems := limitItems(lungdata.Filter(listing.Items, lungdata.Validate, only...), cfg.Limit, cfg.Seed)
	if len(trainItems) == 0 || len(valItems) == 0 {
		return nil, fmt.Errorf("train: %s has %d train and %d validate images; both splits are needed", cfg.Data, len(trainItems), len(valItems))
	}
	fmt.Fprintf(log, "data: %s (%s layout): train %s; validate %s\n", cfg.Data, listing.Layout, bySource(trainItems), bySource(valItems))
	t0 := time.Now()
	trainSet, err := lungdata.Load(ctx, trainItems, cfg.Size, cfg.Threads)
	if err != nil {
		return nil, err
	}
	valSet, err := lungdata.Load(ctx, valItems, cfg.Size, cfg.Threads)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "loaded and preprocessed (%s) %d images in %s\n", preprocess.IDFor(cfg.Size), trainSet.Len()+valSet.Len(), short(time.Since(t0)))
	if cfg.V7Teacher != "" {
		if err := partialLabels(ctx, trainSet, cfg, log); err != nil {
			return nil, err
		}
	}

	m, err := model.New(model.Config{Arch: cfg.Arch, Base: cfg.Base, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	if cfg.Init != "" {
		if err := initFrom(m, cfg); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "initialised from %s\n", cfg.Init)
	}
	adam := model.DefaultAdam()
	adam.LR = cfg.LR
	tr, err := model.NewTrainer(m, cfg.Batch, cfg.Size, adam, cfg.Threads)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	fmt.Fprintf(log, "model: %s base %d, %d parameters; %s\n", m.Arch(), m.Base(), m.NumParams(), tr.Describe())

	st := &State{LR: cfg.LR, BestScore: math.Inf(-1)}
	cfgJSON, _ := json.Marshal(cfg.fingerprint())
	if resume {
		if _, err := os.Stat(ckptPath); err == nil {
			md, err := tr.LoadCheckpoint(ckptPath)
			if err != nil {
				return nil, err
			}
			if md[metaConfig] != string(cfgJSON) {
				return nil, fmt.Errorf("train: %s was written by another configuration (%s); this run is %s", ckptPath, md[metaConfig], cfgJSON)
			}
			if err := json.Unmarshal([]byte(md[metaState]), st); err != nil {
				return nil, fmt.Errorf("train: %s: run state: %w", ckptPath, err)
			}
			tr.SetLR(st.LR)
			fmt.Fprintf(log, "resumed from %s after epoch %d (best %.4f at epoch %d)\n", ckptPath, st.Done, st.BestScore, st.BestEpoch)
		} else {
			fmt.Fprintf(log, "no checkpoint in %s: starting from scratch\n", cfg.Out)
		}
	}
	cj, _ := json.MarshalIndent(cfg, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, ConfigFile), append(cj, '\n'), 0o644); err != nil {
		return nil, err
	}

	r := &runner{cfg: cfg, tr: tr, m: m, train: trainSet, val: valSet, log: log, st: st, cfgJSON: string(cfgJSON),
		aug: augment.New(cfg.Size, augment.DefaultConfig())}
	r.alloc()
	for run := 0; st.Done < cfg.Epochs; run++ {
		if cfg.StopAfter > 0 && run == cfg.StopAfter {
			break
		}
		if err := r.epoch(ctx); err != nil {
			return st, err
		}
	}
	if st.Done >= cfg.Epochs {
		fmt.Fprintf(log, "done: %d epochs in %s; best %s %.4f at epoch %d (%s)\n", st.Done, short(time.Duration(st.Seconds*float64(time.Second))),
			"score", st.BestScore, st.BestEpoch, filepath.Join(cfg.Out, BestFile))
	}
	return st, nil
}

// fingerprint is the part of the configuration a resumed run must share
// with the run it continues (Epochs may grow, Threads may change, though
// bit-identical results need the same thread count).
func (c Config) fingerprint() Config {
	c.Out, c.Epochs, c.Threads, c.ProgressEvery, c.StopAfter = "", 0, 0, 0, 0
	return c
}

// runner holds one run's buffers.
type runner struct {
	cfg        Config
	tr         *model.Trainer
	m          *model.Model
	train, val *lungdata.Set
	log        io.Writer
	st         *State
	cfgJSON    string
	aug        *augment.Augmenter
	x, y, p    []float32
}

func (r *runner) alloc() {
	n := r.cfg.Batch * r.cfg.Size * r.cfg.Size
	r.x, r.y, r.p = make([]float32, n), make([]float32, n), make([]float32, n)
}

// epoch trains one epoch, validates, and saves.
func (r *runner) epoch(ctx context.Context) error {
	cfg, st := r.cfg, r.st
	e := st.Done // 0-based index of this epoch
	px := cfg.Size * cfg.Size
	order := epochOrder(r.train.Items, cfg.Seed, e, cfg.V7Weight, cfg.Sources)
	steps := (len(order) + cfg.Batch - 1) / cfg.Batch
	every := cfg.ProgressEvery
	if every == 0 {
		every = 10
	}
	start := time.Now()
	var lossSum float64
	seen := 0
	for s := 0; s < steps; s++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("train: interrupted in epoch %d (the checkpoint after epoch %d stays; continue with --resume): %w", e+1, st.Done, err)
		}
		idx := order[s*cfg.Batch : min((s+1)*cfg.Batch, len(order))]
		for j, i := range idx {
			xi, yi := r.x[j*px:(j+1)*px], r.y[j*px:(j+1)*px]
			p := augment.Identity()
			if cfg.Augment {
				p = r.aug.Draw(uint64(cfg.Seed), e, i)
			}
			if err := r.aug.Apply(xi, yi, r.train.Image(i), r.train.Mask(i), p); err != nil {
				return err
			}
		}
		loss, err := r.tr.Step(r.x, r.y, len(idx))
		if err != nil {
			return fmt.Errorf("train: epoch %d step %d: %w", e+1, s+1, err)
		}
		lossSum += loss * float64(len(idx))
		seen += len(idx)
		if (s+1)%every == 0 || s+1 == steps {
			el := time.Since(start)
			rate := float64(seen) / el.Seconds()
			left := float64(len(order)-seen) / rate
			// Later epochs: same size (V7 sampling varies it slightly),
			// plus validation at about three times the training rate.
			later := float64(cfg.Epochs-e-1) * (float64(len(order)) + float64(r.val.Len())/3) / rate
			fmt.Fprintf(r.log, "epoch %d/%d step %d/%d loss %.4f (mean %.4f) %.2f img/s ETA epoch %s, run %s\n",
				e+1, cfg.Epochs, s+1, steps, loss, lossSum/float64(seen), rate,
				short(time.Duration(left*float64(time.Second))), short(time.Duration((left+later)*float64(time.Second))))
		}
	}
	trainSecs := time.Since(start).Seconds()
	rec, err := r.validate(ctx)
	if err != nil {
		return err
	}
	rec.Epoch, rec.LR, rec.Images = e+1, r.tr.LR(), seen
	rec.TrainLoss = lossSum / float64(max(seen, 1))
	rec.ImgPerS = float64(seen) / trainSecs
	rec.Seconds = time.Since(start).Seconds()
	if rec.Score > st.BestScore {
		st.BestScore, st.BestEpoch, st.SinceBest = rec.Score, e+1, 0
		rec.Best = true
		if err := r.m.Save(filepath.Join(cfg.Out, BestFile), r.bestMeta(rec)); err != nil {
			return err
		}
	} else {
		st.SinceBest++
	}
	if cfg.Plateau && st.SinceBest >= max(cfg.PlateauPatience, 1) && r.tr.LR() > minLR {
		lr := max(r.tr.LR()/2, minLR)
		fmt.Fprintf(r.log, "plateau: no improvement for %d epochs, learning rate %g -> %g\n", st.SinceBest, r.tr.LR(), lr)
		r.tr.SetLR(lr)
		st.SinceBest = 0
	}
	st.LR = r.tr.LR()
	st.Done = e + 1
	st.Seconds += rec.Seconds
	st.History = append(st.History, rec)
	stJSON, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := r.tr.SaveCheckpoint(filepath.Join(cfg.Out, CheckpointFile), map[string]string{
		metaState: string(stJSON), metaConfig: r.cfgJSON, preprocess.MetaKey: preprocess.IDFor(cfg.Size),
	}); err != nil {
		return err
	}
	if err := writeLog(filepath.Join(cfg.Out, LogFile), st.History); err != nil {
		return err
	}
	if err := writePlot(filepath.Join(cfg.Out, PlotFile), st.History); err != nil {
		return err
	}
	best := ""
	if rec.Best {
		best = " (best)"
	}
	fmt.Fprintf(r.log, "epoch %d/%d done in %s: train loss %.4f, validate loss %.4f, Dice %.4f %s, score %.4f%s, %.2f img/s\n",
		e+1, cfg.Epochs, short(time.Duration(rec.Seconds*float64(time.Second))), rec.TrainLoss, rec.ValLoss, rec.ValDice,
		fmtBy(rec.ValDiceBy), rec.Score, best, rec.ImgPerS)
	return nil
}

// validate predicts the validate set (no augmentation) and scores it.
//
// Selection: the score is the mean per-image Dice with each image weighted
// as in training (retrocardiac-included images by V7Weight, sources by
// their weight), so the model is chosen for the convention it is trained
// towards; with Config.Select, the mean over the listed sources alone.
func (r *runner) validate(ctx context.Context) (Epoch, error) {
	cfg := r.cfg
	px := cfg.Size * cfg.Size
	var rec Epoch
	var lossSum, wSum, scoreSum float64
	diceSum, count := map[string]float64{}, map[string]int{}
	var all float64
	for b0 := 0; b0 < r.val.Len(); b0 += cfg.Batch {
		if err := ctx.Err(); err != nil {
			return rec, fmt.Errorf("train: interrupted while validating: %w", err)
		}
		bn := min(cfg.Batch, r.val.Len()-b0)
		for j := range bn {
			preprocess.ToUnit(r.x[j*px:(j+1)*px], r.val.Image(b0+j))
			for k, v := range r.val.Mask(b0 + j) {
				r.y[j*px+k] = float32(v)
			}
		}
		if err := r.tr.Predict(r.x[:bn*px], bn, r.p[:bn*px]); err != nil {
			return rec, fmt.Errorf("train: validate: %w", err)
		}
		lossSum += lossFromProbs(r.p[:bn*px], r.y[:bn*px]) * float64(bn)
		for j := range bn {
			it := r.val.Items[b0+j]
			d := diceAt(r.p[j*px:(j+1)*px], r.val.Mask(b0+j))
			all += d
			diceSum[it.Convention] += d
			count[it.Convention]++
			w := selectWeight(it, cfg)
			scoreSum += w * d
			wSum += w
		}
	}
	n := float64(r.val.Len())
	rec.ValLoss, rec.ValDice = lossSum/n, all/n
	rec.ValDiceBy = map[string]float64{}
	for c, s := range diceSum {
		rec.ValDiceBy[c] = s / float64(count[c])
	}
	if wSum > 0 {
		rec.Score = scoreSum / wSum
	} else {
		rec.Score = rec.ValDice
	}
	return rec, nil
}

// bestMeta is the metadata of best.safetensors.
func (r *runner) bestMeta(rec Epoch) map[string]string {
	cfg := r.cfg
	recipe, _ := json.Marshal(map[string]any{
		"optimizer": "adam", "lr": cfg.LR, "epochs": cfg.Epochs, "batch": cfg.Batch, "loss": "bce+(1-dice)",
		"augment": cfg.Augment, "seed": cfg.Seed, "plateau": cfg.Plateau, "v7_weight": cfg.V7Weight, "size": cfg.Size,
		"sources": cfg.Sources, "select": cfg.Select, "init": cfg.Init, "v7_teacher": cfg.V7Teacher,
	})
	by, _ := json.Marshal(rec.ValDiceBy)
	abs, err := filepath.Abs(cfg.Data)
	if err != nil {
		abs = cfg.Data
	}
	return map[string]string{
		preprocess.MetaKey:       preprocess.IDFor(cfg.Size),
		"data":                   abs,
		"train_images":           bySource(r.train.Items),
		"validate_images":        bySource(r.val.Items),
		"recipe":                 string(recipe),
		"epoch":                  strconv.Itoa(rec.Epoch),
		"val_dice":               strconv.FormatFloat(rec.ValDice, 'f', 5, 64),
		"val_dice_by_convention": string(by),
		"selection_score":        strconv.FormatFloat(rec.Score, 'f', 5, 64),
	}
}

// bySource summarises items as "1076 covid-radiography-viral-pneumonia +
// 303 v7labs-covid".
func bySource(items []lungdata.Item) string {
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Source]++
	}
	names := make([]string, 0, len(counts))
	for s := range counts {
		names = append(names, s)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, s := range names {
		parts[i] = fmt.Sprintf("%d %s", counts[s], s)
	}
	return strings.Join(parts, " + ")
}

func fmtBy(by map[string]float64) string {
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.4f", k, by[k])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// initFrom copies the parameters and batch-norm buffers of cfg.Init into m
// after checking that the file holds the same network and preprocessing.
func initFrom(m *model.Model, cfg Config) error {
	src, meta, err := model.Load(cfg.Init)
	if err != nil {
		return fmt.Errorf("train: init: %w", err)
	}
	if src.Arch() != m.Arch() || src.Base() != m.Base() {
		return fmt.Errorf("train: init %s holds %s base %d, the run trains %s base %d", cfg.Init, src.Arch(), src.Base(), m.Arch(), m.Base())
	}
	if err := preprocess.CheckFor(meta, cfg.Size); err != nil {
		return fmt.Errorf("train: init %s: %w", cfg.Init, err)
	}
	copy(m.Params.Data, src.Params.Data)
	copy(m.Buffers.Data, src.Buffers.Data)
	return nil
}

// partialLabels marks, in the retrocardiac-included train masks, the lung
// pixels that cfg.V7Teacher predicts as non-lung (probability < 0.5) as
// augment.Ignore.
func partialLabels(ctx context.Context, set *lungdata.Set, cfg Config, log io.Writer) error {
	tm, meta, err := model.Load(cfg.V7Teacher)
	if err != nil {
		return fmt.Errorf("train: V7 teacher: %w", err)
	}
	if err := preprocess.CheckFor(meta, cfg.Size); err != nil {
		return fmt.Errorf("train: V7 teacher %s: %w", cfg.V7Teacher, err)
	}
	p, err := model.NewPredictor(tm, 1, cfg.Size, cfg.Threads)
	if err != nil {
		return fmt.Errorf("train: V7 teacher: %w", err)
	}
	defer p.Close()
	px := cfg.Size * cfg.Size
	x, prob := make([]float32, px), make([]float32, px)
	var images, lung, ignored int
	for i, it := range set.Items {
		if it.Convention != lungdata.RetrocardiacIncluded {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		preprocess.ToUnit(x, set.Image(i))
		if err := p.Predict(x, 1, prob); err != nil {
			return fmt.Errorf("train: V7 teacher on %s: %w", it.ID, err)
		}
		m := set.Mask(i)
		for k, v := range m {
			if v == 1 {
				lung++
				if prob[k] < 0.5 {
					m[k] = augment.Ignore
					ignored++
				}
			}
		}
		images++
	}
	fmt.Fprintf(log, "partial labels: teacher %s left %d of %d lung pixels (%.1f%%) of %d retrocardiac-included images out of the loss\n",
		cfg.V7Teacher, ignored, lung, 100*float64(ignored)/float64(max(lung, 1)), images)
	return nil
}
