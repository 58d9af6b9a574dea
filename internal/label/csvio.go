package label

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cxlseg/cxlseg/internal/chexpert"
)

// CSVOptions says which columns of an input CSV hold the report text and the
// ids to carry over to the output.
type CSVOptions struct {
	TextColumn string   // column with the report text, e.g. "Reports"
	IDColumns  []string // columns copied to the output before the labels
	// Select turns the raw text into the text to label (for example the
	// chosen report section); nil labels the text as it is.
	Select func(string) string
}

// LabelCSV reads report texts from r (named name in errors) and writes one
// output row per input row: the id columns, then the 14 labels by name in
// MIMIC's alphabetical order. It returns the number of rows labelled.
func (l *Labeler) LabelCSV(r io.Reader, name string, w io.Writer, opt CSVOptions) (int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("read %s header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	textCol, ok := col[opt.TextColumn]
	if !ok {
		return 0, fmt.Errorf("%s: no column %q (columns: %s)", name, opt.TextColumn, strings.Join(head, ", "))
	}
	var idCols []int
	for _, c := range opt.IDColumns {
		i, ok := col[c]
		if !ok {
			return 0, fmt.Errorf("%s: no id column %q", name, c)
		}
		idCols = append(idCols, i)
	}
	cw := csv.NewWriter(w)
	out := append(append([]string(nil), opt.IDColumns...), chexpert.Alphabetical[:]...)
	if err := cw.Write(out); err != nil {
		return 0, err
	}
	n := 0
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("read %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(row) != len(head) {
			return n, fmt.Errorf("%s line %d: %d fields, header has %d", name, line, len(row), len(head))
		}
		text := row[textCol]
		if opt.Select != nil {
			text = opt.Select(text)
		}
		v := l.Label(text)
		out = out[:0]
		for _, i := range idCols {
			out = append(out, row[i])
		}
		out = append(out, v[:]...)
		if err := cw.Write(out); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}
