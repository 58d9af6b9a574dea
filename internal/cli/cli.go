// Package cli implements cxlseg's command line: one function per
// subcommand, each in a file named for it (cmd_<name>.go). The commands
// parse flags and call into the packages that do the work; they hold no
// logic of their own.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cxlseg/cxlseg/internal/version"
)

// Env is what a subcommand gets from the process: its output streams and a
// context that is cancelled on Ctrl-C or SIGTERM so long work can stop
// cleanly after the items in flight.
type Env struct {
	Ctx    context.Context
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(env *Env, args []string) error
}

// errUsage marks an error in the command line itself (exit status 2).
var errUsage = errors.New("usage error")

func commands() []command {
	return []command{
		{"help", "show this help, or a command's flags (cxlseg help build)", nil},
		{"version", "print the version", runVersion},
		{"sample", "write a small MIMIC-CXR-JPG-shaped tree (demo images, CSVs, reports; optional phantoms)", runSample},
		{"sections", "extract report sections (mimic_cxr_sectioned.csv format)", runSections},
		{"label", "label report texts with the built-in CheXpert-style labeler", runLabel},
		{"train", "train a lung segmentation model", runTrain},
		{"eval", "evaluate a model on images with lung masks", runEval},
		{"export-onnx", "write a model as an ONNX file", runExportONNX},
		{"qa-calibrate", "fit the mask quality estimate (est_dice) on eval output and report its accuracy", runQACalibrate},
		{"build", "build the CXLSeg dataset from a MIMIC-CXR-JPG tree", runBuild},
		{"merge", "join shard outputs of build into the final CSVs", runMerge},
		{"demo", "run sample then build on the bundled images into ./cxlseg-demo", runDemo},
		{"report", "write an HTML QA report of a built dataset", runReport},
		{"export", "write per-split CSVs for classification, segmentation or report generation", runExport},
	}
}

// Run executes the command line args (without the program name) and returns
// the process exit status: 0 on success, 1 on failure, 2 on a usage error.
func Run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Ctx: ctx, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		if len(rest) > 0 {
			// "cxlseg help build" shows build's flags.
			return Run([]string{rest[0], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name || c.run == nil {
			continue
		}
		err := c.run(env, rest)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "cxlseg %s: %v\n", name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "cxlseg %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "cxlseg: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "cxlseg %s: build lung-segmented chest X-ray datasets (CXLSeg) from MIMIC-CXR-JPG\n\n", version.Version)
	fmt.Fprintln(w, "Usage: cxlseg <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cxlseg help <command>' for a command's flags.")
}

// newFlags returns a FlagSet for a subcommand that reports errors to env.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: cxlseg %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func runVersion(env *Env, args []string) error {
	fs := newFlags(env, "version", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "cxlseg %s\n", version.Version)
	return nil
}
