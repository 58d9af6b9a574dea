package cli

import (
	"fmt"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/export"
)

// runExport writes per-split CSVs of a built dataset for one learning task.
func runExport(env *Env, args []string) error {
	fs := newFlags(env, "export", "--data DIR --task classification|segmentation|report-generation --out DIR")
	data := fs.String("data", "", "built dataset directory (output of cxlseg build)")
	out := fs.String("out", "", "output directory for train.csv, validate.csv, test.csv and export.json")
	task := fs.String("task", "", "classification (DicomPath + 14 labels), segmentation (DicomPath + DicomPathMask) or report-generation (DicomPath + Reports)")
	uncertain := fs.String("uncertain", string(export.UIgnore), "classification: uncertain (-1.0) labels become ones (U-Ones), zeros (U-Zeros), ignore (empty, U-Ignore) or keep (-1.0)")
	missing := fs.String("missing", string(export.MissingZeros), "classification: labels the report did not mention become zeros (CheXpert practice) or blank (as written)")
	absolute := fs.Bool("absolute", false, "write absolute image paths instead of DicomPath relative to --data")
	minEst := fs.Float64("min-est-dice", 0, "leave out images whose mask's estimated Dice (CXLSeg-qa.csv est_dice) is below this, e.g. 0.93 (0 = keep all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *data == "" || *out == "" || *task == "" {
		return fmt.Errorf("%w: --data, --out and --task are required", errUsage)
	}
	opt := export.Options{AbsolutePaths: *absolute, MinEstDice: *minEst}
	var err error
	if opt.Task, err = export.ParseTask(*task); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if opt.Uncertain, err = export.ParseUncertain(*uncertain); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if opt.Missing, err = export.ParseMissing(*missing); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ds, err := dataset.Open(*data)
	if err != nil {
		return err
	}
	info, err := export.Write(ds, *out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s task to %s: train %d, validate %d, test %d rows\n",
		info.Task, *out, info.Rows["train"], info.Rows["validate"], info.Rows["test"])
	if info.Dropped != nil {
		fmt.Fprintf(env.Stdout, "left out for est_dice < %g: train %d, validate %d, test %d\n",
			opt.MinEstDice, info.Dropped["train"], info.Dropped["validate"], info.Dropped["test"])
	}
	return nil
}
