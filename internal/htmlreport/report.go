// Package htmlreport writes a self-contained static HTML QA report of a
// built CXLSeg dataset: counts per split, label prevalence, plots of the
// mask QA measures (inline SVG), contact sheets of mask contours over the
// images (embedded as data: URIs) for a seeded random sample and for the
// worst-QA images, the exclusions and the build's manifest. The page has no
// script and a Content-Security-Policy that forbids any fetch, so it works
// offline and from a file:// URL.
package htmlreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/atomicfile"
	"github.com/cxlseg/cxlseg/internal/version"
)

// Options configures a report.
type Options struct {
	Sample        int    // images in the random contact sheet (default 48; negative for none)
	Seed          uint64 // seed of the random sample
	Worst         int    // images in the worst-QA and lowest est_dice contact sheets (default 24; negative for none)
	MaxExclusions int    // exclusion rows listed (default 1000; negative for none; all are counted)
	// MimicRoot, when set, is a MIMIC-CXR-JPG root: contours are drawn on
	// the original images found there (reduced to 224) instead of the
	// segmented ones, which shows what the mask left out.
	MimicRoot string
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.Sample == 0 {
		o.Sample = 48
	}
	if o.Worst == 0 {
		o.Worst = 24
	}
	if o.MaxExclusions == 0 {
		o.MaxExclusions = 1000
	}
	return o
}

// Summary tells what a report holds.
type Summary struct {
	Bytes    int      // size of the HTML
	Tiles    int      // images drawn in the contact sheets
	Problems []string // images that could not be drawn, with the reason
}

// tile is one image of a contact sheet.
type tile struct {
	DicomID, Split, Rel string
	Image, Contour      template.URL
	W, H                int // display size: the mask's, reduced to fit tileSide
	Problem             string
	HasQA               bool
	FG, Prob, LR, Est   float64
	Flags               []string
}

type plot struct {
	H   histogram
	SVG template.HTML
}

type reasonCount struct {
	Reason string
	N      int
}

// page is what the template renders.
type page struct {
	Dir, Version, BuiltBy, BaseKind string
	Total                           int
	Seed                            uint64
	Splits                          []dataset.Split
	Counts                          []splitCount
	Views                           []viewRow
	Labels                          []labelRow
	HasQA                           bool
	Flags                           []flagRow
	Plots                           []plot
	Sample, Worst, LowEst           []tile
	HasEst                          bool
	Exclusions, ExclusionRows       []dataset.Exclusion
	ExclusionsCut                   bool
	HasExclusionsFile               bool
	Reasons                         []reasonCount
	Manifest                        string
}

// Write renders the report of ds and writes it to path atomically (a
// temporary file in the same directory, renamed into place).
func Write(ds *dataset.Dataset, path string, opt Options) (*Summary, error) {
	var buf bytes.Buffer
	sum, err := Render(&buf, ds, opt)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return sum, nil
}

// Render writes the report of ds to w.
func Render(w io.Writer, ds *dataset.Dataset, opt Options) (*Summary, error) {
	opt = opt.withDefaults()
	tmpl, err := parseTemplate()
	if err != nil {
		return nil, fmt.Errorf("report template: %w", err)
	}
	recs := make([]dataset.Record, 0, ds.Len())
	for r := range ds.All() {
		recs = append(recs, r)
	}
	p := &page{
		Dir: ds.Dir(), Version: version.Version, Total: ds.Len(), Seed: opt.Seed,
		Splits: dataset.Splits(), Counts: countSplits(ds), Views: viewCounts(ds), Labels: labelPrevalence(ds),
		HasQA: ds.HasQA(), Exclusions: ds.Exclusions(), BaseKind: "segmented",
	}
	if p.HasQA {
		p.Flags = flagCounts(ds)
		for _, h := range qaHistograms(ds) {
			p.Plots = append(p.Plots, plot{H: h, SVG: svgHistogram(h)})
		}
	}
	if opt.MimicRoot != "" {
		p.BaseKind = "original (where found under " + opt.MimicRoot + ", else segmented)"
	}
	sum := &Summary{}
	p.Sample = makeTiles(randomSample(recs, opt.Sample, opt.Seed), opt.MimicRoot, sum)
	if p.HasQA {
		p.Worst = makeTiles(worstQA(recs, opt.Worst), opt.MimicRoot, sum)
		if low := lowestEstDice(recs, opt.Worst); len(low) > 0 {
			p.HasEst = true
			p.LowEst = makeTiles(low, opt.MimicRoot, sum)
		}
	}
	p.ExclusionRows = p.Exclusions
	if limit := max(0, opt.MaxExclusions); len(p.ExclusionRows) > limit {
		p.ExclusionRows, p.ExclusionsCut = p.ExclusionRows[:limit], true
	}
	_, statErr := os.Stat(filepath.Join(ds.Dir(), dataset.ExclusionsFile))
	p.HasExclusionsFile = statErr == nil
	p.Reasons = countReasons(p.Exclusions)
	if m := ds.Manifest(); m != nil {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("report manifest: %w", err)
		}
		p.Manifest = string(b)
		p.BuiltBy = builtBy(m)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render report: %w", err)
	}
	sum.Bytes = buf.Len()
	if _, err := w.Write(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("write report: %w", err)
	}
	return sum, nil
}

// makeTiles loads the images of a contact sheet, one goroutine per CPU
// (decoding full-size originals for --mimic takes tens of ms each), in
// order. An image that cannot be loaded becomes a tile naming the problem
// (and a Summary entry) rather than a broken <img>.
func makeTiles(recs []dataset.Record, mimicRoot string, sum *Summary) []tile {
	tiles := make([]tile, len(recs))
	errs := make([]error, len(recs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, r := range recs {
		t := &tiles[i]
		*t = tile{DicomID: r.DicomID, Split: string(r.Split), Rel: r.ImageRel}
		if r.QA != nil {
			t.HasQA, t.FG, t.Prob, t.LR, t.Est, t.Flags = true, r.QA.FGFraction, r.QA.MeanProb, r.QA.LRRatio, r.QA.EstDice, r.QA.Flags
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = loadTile(t, r, mimicRoot)
		}()
	}
	wg.Wait()
	for i := range tiles {
		if errs[i] != nil {
			tiles[i].Problem = errs[i].Error()
			sum.Problems = append(sum.Problems, tiles[i].DicomID+": "+errs[i].Error())
		} else {
			sum.Tiles++
		}
	}
	return tiles
}

// loadTile fills the two data: URIs of a tile. Masks larger than a tile
// (builds with --size 512 or native) are reduced to fit it, and the image
// under them with them, so the page stays small whatever the output size.
func loadTile(t *tile, r dataset.Record, mimicRoot string) error {
	mask, err := r.LoadMask()
	if err != nil {
		return err
	}
	mask = fitMask(mask, tileSide)
	base, _, err := baseImage(r.ImagePath, r.ImageRel, mimicRoot, mask.Bounds())
	if err != nil {
		return err
	}
	c, _, err := contourPNG(mask)
	if err != nil {
		return fmt.Errorf("contour of %s: %w", r.DicomID, err)
	}
	t.Image, t.Contour = dataURI("image/jpeg", base), dataURI("image/png", c)
	t.W, t.H = mask.Rect.Dx(), mask.Rect.Dy()
	return nil
}

// countReasons counts exclusions per reason, most frequent first.
func countReasons(ex []dataset.Exclusion) []reasonCount {
	n := map[string]int{}
	for _, e := range ex {
		n[e.Reason]++
	}
	out := make([]reasonCount, 0, len(n))
	for r, c := range n {
		out = append(out, reasonCount{r, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// builtBy summarises the manifest's tool and version fields, if any.
func builtBy(m map[string]any) string {
	s := ""
	if t, ok := m["tool"].(string); ok {
		s = t
	}
	if v, ok := m["version"].(string); ok {
		s += " " + v
	}
	return s
}

// bar shades a table cell in proportion to a percentage.
func bar(pct float64) template.CSS {
	p := strconv.FormatFloat(max(0, min(100, pct)), 'f', 1, 64)
	return template.CSS("background: linear-gradient(to right, #f5c2c0 " + p + "%, transparent " + p + "%)")
}
