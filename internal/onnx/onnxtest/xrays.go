package onnxtest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the lungseg images are JPEGs
	"io"
	"os"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/preprocess"
)

// RealXrays loads perSource test-split X-rays of each source listed in
// shared/data/lungseg/index.csv (the first ones, so the choice is fixed)
// through the model's preprocessing (package preprocess) at size x size,
// NCHW. It returns the values and the image ids.
func RealXrays(shared string, perSource, size int) ([]float32, []string, error) {
	root := filepath.Join(shared, "data", "lungseg")
	f, err := os.Open(filepath.Join(root, "index.csv"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"id", "source", "image", "split"} {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("read %s: no %s column", f.Name(), c)
		}
	}
	pre := preprocess.New(size)
	taken := map[string]int{}
	var out []float32
	var ids []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", f.Name(), err)
		}
		src := rec[col["source"]]
		if rec[col["split"]] != "test" || taken[src] >= perSource {
			continue
		}
		path := filepath.Join(root, rec[col["image"]])
		g, err := loadGray(path)
		if err != nil {
			return nil, nil, err
		}
		x := make([]float32, size*size)
		if err := pre.Apply(x, g); err != nil {
			return nil, nil, fmt.Errorf("preprocess %s: %w", path, err)
		}
		out = append(out, x...)
		ids = append(ids, rec[col["id"]])
		taken[src]++
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("read %s: no test images", f.Name())
	}
	return out, ids, nil
}

func loadGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	if g, ok := img.(*image.Gray); ok {
		return g, nil
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g, nil
}
