// Command cxlseg builds lung-segmented chest X-ray datasets (CXLSeg) from
// MIMIC-CXR-JPG. Run "cxlseg help" for the subcommands.
package main

import (
	"os"

	"github.com/cxlseg/cxlseg/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
