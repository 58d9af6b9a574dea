package cli

import (
	"fmt"

	"github.com/cxlseg/cxlseg/internal/builder"
)

// runMerge joins the shards of a sharded build into the final CSVs,
// proving that no image is missing or duplicated.
func runMerge(env *Env, args []string) error {
	fs := newFlags(env, "merge", "--out DIR [--shards N] [--mimic ROOT] [--reports DIR|ZIP]")
	var o builder.MergeOptions
	fs.StringVar(&o.Out, "out", "", "output folder the shards wrote to")
	fs.IntVar(&o.Shards, "shards", 0, "shard count (default: the one found under OUT/shards)")
	fs.StringVar(&o.Mimic, "mimic", "", "MIMIC-CXR-JPG root, when not where the shards read it")
	fs.StringVar(&o.Reports, "reports", "", "report texts, when not where the shards read them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.Out == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: --out DIR is required and takes no arguments", errUsage)
	}
	o.Log = env.Stdout
	_, err := builder.Merge(env.Ctx, o)
	return err
}
