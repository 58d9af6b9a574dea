package cxlcsv

import (
	"encoding/csv"
	"io"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
)

// writeAtomic writes the CSV path through fn (package atomicfile: a
// temporary file renamed into place only when everything succeeded).
func writeAtomic(path string, fn func(w *csv.Writer) error) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := fn(cw); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}
