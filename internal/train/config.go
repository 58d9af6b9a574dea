// Package train runs the paper's training recipe for the lung segmentation
// model on the native engine (package model): Adam (lr 5e-5), 20 epochs,
// BCE + (1 - soft Dice), seeded augmentation (package augment), model
// selection on validate Dice, optional reduce-on-plateau; a checkpoint after
// every epoch from which Resume continues to the same result as an
// uninterrupted run; progress lines with loss, img/s and ETA; a JSON-lines
// log, a PNG plot of the curves and best.safetensors with the metadata that
// inference checks.
//
// Files in Config.Out:
//
//	checkpoint.safetensors  weights, Adam moments, BN buffers and the run
//	                        state (history, best, learning rate) after the
//	                        last finished epoch; written atomically
//	best.safetensors        the weights of the epoch with the best
//	                        selection score (see Selection)
//	log.jsonl               one JSON object per finished epoch
//	curves.png              loss and Dice per epoch
//	config.json             the run's configuration
//
// # Data and the V7 masks
//
// Training uses the train split, selection the validate split. The V7 Labs
// masks (convention retrocardiac-included) include the lung behind the
// heart, unlike every other source and unlike CXLSeg's masks. They are the
// only adult images in ../shared/data/lungseg, so leaving them out would
// train on children alone; using them fully teaches the wrong convention.
// V7Weight in [0, 1] is the probability that a retrocardiac-included train
// image takes part in a given epoch (drawn per image and epoch from the
// seed): in expectation the same as weighting its loss by V7Weight, with no
// engine support needed, and cheaper. The selection score weights each
// validate image the same way (see Selection).
package train

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Config is one training run.
type Config struct {
	// Data is the training set (any layout package lungdata opens).
	Data string `json:"data"`
	// Out is the run directory.
	Out string `json:"out"`
	// Arch and Base choose the network (package model).
	Arch string `json:"arch"`
	Base int    `json:"base"`
	// Epochs, Batch and LR are the recipe (20, 8, 5e-5).
	Epochs int     `json:"epochs"`
	Batch  int     `json:"batch"`
	LR     float64 `json:"lr"`
	// Seed drives initialisation, data order, augmentation and DropBlock.
	Seed int64 `json:"seed"`
	// Plateau halves the learning rate when the selection score has not
	// improved for PlateauPatience epochs (never below 1e-6).
	Plateau         bool `json:"plateau"`
	PlateauPatience int  `json:"plateau_patience"`
	// Threads is the engine's worker count (both cores by default).
	Threads int `json:"threads"`
	// V7Weight is the per-epoch inclusion probability of
	// retrocardiac-included train images (see the package doc).
	V7Weight float64 `json:"v7_weight"`
	// Sources, when not empty, restricts training and validation to these
	// sources; each value is the per-epoch inclusion probability of the
	// source's train images (in (0, 1]), multiplied by V7Weight for
	// retrocardiac-included images. A source left out is never seen, not
	// even in selection (leave-one-source-out runs rely on that).
	Sources map[string]float64 `json:"sources,omitempty"`
	// Select, when not empty, makes the selection score the mean validate
	// Dice over these sources alone (e.g. the adult heart-excluded ones),
	// every image weighted 1.
	Select []string `json:"select,omitempty"`
	// Init names weights (a model file or a checkpoint) the run starts from
	// instead of a seeded initialisation: fine-tuning. Architecture, base
	// and preprocessing must match.
	Init string `json:"init,omitempty"`
	// V7Teacher, when set, names a heart-excluded model that turns the
	// retrocardiac-included train masks into partial labels: their lung
	// pixels the teacher calls non-lung (mostly the lung behind the heart)
	// are left out of the loss, so the images teach lung fields and
	// pathology without teaching the other convention.
	V7Teacher string `json:"v7_teacher,omitempty"`
	// Limit caps the train and validate images (0 = all), for quick runs;
	// a seeded, source-mixed subset is taken.
	Limit int `json:"limit"`
	// Size is the model input side (224; smaller for tests).
	Size int `json:"size"`
	// Augment turns augmentation on (the recipe); off for tests that
	// compare exact numbers against hand computations.
	Augment bool `json:"augment"`
	// ProgressEvery prints a progress line every so many steps (0 = 10).
	ProgressEvery int `json:"-"`
	// StopAfter ends the run after this many epochs of this invocation
	// (0 = no limit); tests use it to simulate an interruption.
	StopAfter int `json:"-"`
}

// Default returns the paper's recipe with the project's defaults.
func Default() Config {
	return Config{Arch: "saunet", Base: 16, Epochs: 20, Batch: 8, LR: 5e-5, Seed: 1,
		PlateauPatience: 2, Threads: 2, V7Weight: 0.3, Size: 224, Augment: true}
}

// validate checks the configuration.
func (c Config) validate() error {
	switch {
	case c.Data == "":
		return errors.New("train: no data directory")
	case c.Out == "":
		return errors.New("train: no output directory")
	case c.Epochs < 1:
		return fmt.Errorf("train: epochs %d < 1", c.Epochs)
	case c.Batch < 2:
		return fmt.Errorf("train: batch %d < 2 (batch norm needs two images)", c.Batch)
	case c.LR <= 0:
		return fmt.Errorf("train: learning rate %v must be positive", c.LR)
	case c.V7Weight < 0 || c.V7Weight > 1:
		return fmt.Errorf("train: V7 weight %v outside [0, 1]", c.V7Weight)
	case c.Size < 16 || c.Size%8 != 0:
		return fmt.Errorf("train: size %d must be a multiple of 8, at least 16", c.Size)
	case c.Threads < 1:
		return fmt.Errorf("train: threads %d < 1", c.Threads)
	case c.Limit < 0:
		return fmt.Errorf("train: limit %d < 0", c.Limit)
	}
	for src, w := range c.Sources {
		if !(w > 0 && w <= 1) {
			return fmt.Errorf("train: source %s weight %v outside (0, 1]", src, w)
		}
	}
	for _, src := range c.Select {
		if _, ok := c.Sources[src]; len(c.Sources) > 0 && !ok {
			return fmt.Errorf("train: selection source %s is not among the training sources", src)
		}
	}
	return nil
}

// ParseSources reads a --sources value: comma-separated source names, each
// optionally followed by =weight (default 1), e.g.
// "montgomery,shenzhen,covid-radiography-viral-pneumonia=0.5".
func ParseSources(s string) (map[string]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		name, wstr, hasW := strings.Cut(strings.TrimSpace(part), "=")
		if name == "" {
			return nil, fmt.Errorf("sources %q: empty source name", s)
		}
		w := 1.0
		if hasW {
			v, err := strconv.ParseFloat(wstr, 64)
			if err != nil || !(v > 0 && v <= 1) {
				return nil, fmt.Errorf("sources %q: weight of %s must be a number in (0, 1], got %q", s, name, wstr)
			}
			w = v
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("sources %q: %s given twice", s, name)
		}
		out[name] = w
	}
	return out, nil
}
