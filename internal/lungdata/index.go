package lungdata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ReadIndex reads an index.csv whose image and mask paths are relative to
// its directory.
func ReadIndex(path string) (*Listing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	items, err := ParseIndex(f, path, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	return &Listing{Layout: "index", Items: items}, nil
}

// ParseIndex parses index.csv content from r. name is used in errors; dir
// is prefixed to the relative image and mask paths. Required columns (by
// name, any order): id, source, image, mask, split. Optional: convention
// (default unknown), patient. Paths must stay inside dir; ids must be
// unique; split must be train, validate or test.
func ParseIndex(r io.Reader, name, dir string) ([]Item, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"id", "source", "image", "mask", "split"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("read %s: missing column %q", name, need)
		}
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var items []Item
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		it := Item{
			ID: get(rec, "id"), Source: get(rec, "source"), Split: get(rec, "split"),
			Convention: get(rec, "convention"), Patient: get(rec, "patient"),
		}
		if it.ID == "" {
			return nil, fmt.Errorf("read %s: line %d: empty id", name, line)
		}
		if seen[it.ID] {
			return nil, fmt.Errorf("read %s: line %d: duplicate id %q", name, line, it.ID)
		}
		seen[it.ID] = true
		switch it.Split {
		case Train, Validate, Test:
		default:
			return nil, fmt.Errorf("read %s: line %d: split %q is not train, validate or test", name, line, it.Split)
		}
		if it.Convention == "" {
			it.Convention = UnknownConvention
		}
		img, err := inside(dir, get(rec, "image"))
		if err != nil {
			return nil, fmt.Errorf("read %s: line %d: image: %w", name, line, err)
		}
		mask, err := inside(dir, get(rec, "mask"))
		if err != nil {
			return nil, fmt.Errorf("read %s: line %d: mask: %w", name, line, err)
		}
		it.Image, it.Masks = img, []string{mask}
		items = append(items, it)
	}
	return items, nil
}

// inside joins a relative path to dir, refusing empty, absolute and
// escaping paths so that an index cannot point outside its data set.
func inside(dir, rel string) (string, error) {
	if rel == "" {
		return "", errors.New("empty path")
	}
	if filepath.IsAbs(rel) || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("path %q leaves the data directory", rel)
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), nil
}
