package sample

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of the embedded JPEGs
	"path"
)

// demoFS holds the demo radiographs, their index and their attribution.
//
//go:embed demo/*.jpg demo/images.csv demo/ATTRIBUTION.md
var demoFS embed.FS

// demoImage is one embedded radiograph and its row of images.csv.
type demoImage struct {
	File    string // e.g. "2c35005f.jpg"
	View    string // "PA" or "AP Supine"
	Sex     string
	Finding string // "No Finding" or "COVID-19"
	Width   int
	Height  int
	Data    []byte
}

// Attribution returns ATTRIBUTION.md of the demo images.
func Attribution() []byte {
	b, err := demoFS.ReadFile("demo/ATTRIBUTION.md")
	if err != nil {
		panic("sample: embedded ATTRIBUTION.md missing: " + err.Error()) // build defect
	}
	return b
}

// demoImages reads images.csv and the embedded images, in images.csv's
// order. Width and Height come from each JPEG's own header.
func demoImages() ([]demoImage, error) {
	raw, err := demoFS.ReadFile("demo/images.csv")
	if err != nil {
		return nil, fmt.Errorf("embedded demo/images.csv: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("embedded demo/images.csv: %w", err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("embedded demo/images.csv: no rows")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range []string{"file", "view", "sex", "finding"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("embedded demo/images.csv: no column %q", c)
		}
	}
	var out []demoImage
	for line, r := range recs[1:] {
		d := demoImage{File: r[col["file"]], View: r[col["view"]], Sex: r[col["sex"]], Finding: r[col["finding"]]}
		d.Data, err = demoFS.ReadFile(path.Join("demo", d.File))
		if err != nil {
			return nil, fmt.Errorf("embedded demo/images.csv line %d: %w", line+2, err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(d.Data))
		if err != nil {
			return nil, fmt.Errorf("embedded demo/%s: %w", d.File, err)
		}
		d.Width, d.Height = cfg.Width, cfg.Height
		out = append(out, d)
	}
	return out, nil
}
