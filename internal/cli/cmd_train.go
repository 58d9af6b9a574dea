package cli

import (
	"fmt"
	"strings"

	"github.com/cxlseg/cxlseg/internal/train"
)

// runTrain trains a lung segmentation model (package train).
func runTrain(env *Env, args []string) error {
	d := train.Default()
	fs := newFlags(env, "train", "--data DIR --out DIR [flags]")
	cfg := d
	fs.StringVar(&cfg.Data, "data", "", "training set: ../shared/data/lungseg (index.csv), images/+masks/ pairs, Montgomery, Shenzhen or JSRT+SCR")
	fs.StringVar(&cfg.Out, "out", "", "run directory (checkpoint, best.safetensors, log.jsonl, curves.png)")
	fs.StringVar(&cfg.Arch, "arch", d.Arch, "architecture: saunet, unet or attunet")
	fs.IntVar(&cfg.Base, "base", d.Base, "base channel count")
	fs.IntVar(&cfg.Epochs, "epochs", d.Epochs, "epochs")
	fs.IntVar(&cfg.Batch, "batch", d.Batch, "batch size")
	fs.Float64Var(&cfg.LR, "lr", d.LR, "Adam learning rate")
	fs.Int64Var(&cfg.Seed, "seed", d.Seed, "seed for initialisation, data order, augmentation and DropBlock")
	resume := fs.Bool("resume", false, "continue the run in --out from its last checkpoint")
	fs.BoolVar(&cfg.Plateau, "plateau", d.Plateau, "halve the learning rate when validate Dice stalls")
	fs.IntVar(&cfg.PlateauPatience, "plateau-patience", d.PlateauPatience, "epochs without improvement before --plateau halves the learning rate")
	fs.IntVar(&cfg.Threads, "threads", d.Threads, "engine worker threads")
	fs.Float64Var(&cfg.V7Weight, "v7-weight", d.V7Weight, "per-epoch inclusion probability of retrocardiac-included (V7) train images, 0..1")
	sources := fs.String("sources", "", "train and validate on these sources only, each with an optional per-epoch inclusion probability: montgomery,shenzhen,covid-radiography-viral-pneumonia=0.5")
	selectSrc := fs.String("select", "", "choose the best epoch on the validate Dice of these sources alone (comma-separated), e.g. montgomery,shenzhen")
	fs.StringVar(&cfg.Init, "init", "", "start from these weights (fine-tune) instead of a seeded initialisation")
	fs.StringVar(&cfg.V7Teacher, "v7-partial", "", "heart-excluded model (weights) whose non-lung calls inside the retrocardiac-included (V7) train masks are left out of the loss (partial labels)")
	fs.IntVar(&cfg.Limit, "limit", 0, "use at most N train and N validate images (0 = all)")
	fs.IntVar(&cfg.Size, "size", d.Size, "model input side (224 for the shipped preprocessing)")
	noAug := fs.Bool("no-augment", false, "turn augmentation off")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %v", errUsage, fs.Args())
	}
	if cfg.Data == "" || cfg.Out == "" {
		return fmt.Errorf("%w: --data and --out are required", errUsage)
	}
	cfg.Augment = !*noAug
	var err error
	if cfg.Sources, err = train.ParseSources(*sources); err != nil {
		return fmt.Errorf("%w: --%w", errUsage, err)
	}
	for _, s := range strings.Split(*selectSrc, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Select = append(cfg.Select, s)
		}
	}
	_, err = train.Run(env.Ctx, cfg, *resume, env.Stdout)
	return err
}
