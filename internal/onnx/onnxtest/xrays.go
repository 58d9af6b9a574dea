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
)

// SharedDir returns the project's shared/ folder (../shared next to the
// module root, as in CI), or an error saying where it was looked for.
func SharedDir(moduleRoot string) (string, error) {
	d := filepath.Join(filepath.Dir(moduleRoot), "shared")
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("shared data folder %s not found", d)
	}
	return d, nil
}

// RealXrays loads perSource test-split X-rays of each source listed in
// shared/data/lungseg/index.csv (the first ones, so the choice is fixed),
// as 8-bit gray resized to size x size by area averaging and scaled to
// [0,1], NCHW. It stands in for package preprocess where the exact
// preprocessing does not matter (both sides of a parity test get the same
// tensor). It returns the values and the image ids.
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
		out = append(out, areaResize(g, size)...)
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

// areaResize averages each output pixel's box of source pixels, weighting
// partly covered ones by their coverage (OpenCV INTER_AREA's definition).
func areaResize(g *image.Gray, size int) []float32 {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	sx, sy := float64(w)/float64(size), float64(h)/float64(size)
	out := make([]float32, size*size)
	for oy := 0; oy < size; oy++ {
		y0, y1 := float64(oy)*sy, float64(oy+1)*sy
		for ox := 0; ox < size; ox++ {
			x0, x1 := float64(ox)*sx, float64(ox+1)*sx
			var sum, area float64
			for y := int(y0); y < h && float64(y) < y1; y++ {
				wy := min(float64(y+1), y1) - max(float64(y), y0)
				for x := int(x0); x < w && float64(x) < x1; x++ {
					wx := min(float64(x+1), x1) - max(float64(x), x0)
					sum += wx * wy * float64(g.GrayAt(b.Min.X+x, b.Min.Y+y).Y)
					area += wx * wy
				}
			}
			out[oy*size+ox] = float32(sum / area / 255)
		}
	}
	return out
}
