package cli

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
)

// writeFileAtomic writes path through fill (buffered) into a temporary file
// in the same folder and renames it into place, so a reader never sees half
// a file; see package atomicfile.
func writeFileAtomic(path string, fill func(io.Writer) error) error {
	return atomicfile.Write(path, 0o644, fill)
}

// readHeader returns the first CSV record of r, without a UTF-8 BOM.
func readHeader(r io.Reader) ([]string, error) {
	head, err := csv.NewReader(r).Read()
	if err != nil {
		return nil, err
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	return head, nil
}
