package htmlreport

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// openFake writes the fake dataset with images and opens it.
func openFake(t *testing.T, opt datasettest.Options) (*dataset.Dataset, []datasettest.Image) {
	t.Helper()
	dir := t.TempDir()
	ims, err := datasettest.Write(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ds, ims
}

// pageFacts is what the HTML checks collect from a parsed page.
type pageFacts struct {
	imgSrcs  []string
	imgByAlt map[string]string // src of each img with a non-empty alt
	ids      map[string]bool
	text     string
	tags     map[string]int
	csp      string
	urlAttrs []string // every href/src/srcset/style/action/xlink:href value
}

func parsePage(t *testing.T, b []byte) pageFacts {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	f := pageFacts{ids: map[string]bool{}, tags: map[string]int{}, imgByAlt: map[string]string{}}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			f.tags[n.Data]++
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					f.ids[a.Val] = true
				case "src", "href", "srcset", "style", "action", "xlink:href", "poster", "data":
					f.urlAttrs = append(f.urlAttrs, a.Val)
				}
				if n.Data == "img" && a.Key == "src" {
					f.imgSrcs = append(f.imgSrcs, a.Val)
					for _, b := range n.Attr {
						if b.Key == "alt" && b.Val != "" {
							f.imgByAlt[b.Val] = a.Val
						}
					}
				}
				if n.Data == "meta" && a.Key == "http-equiv" && strings.EqualFold(a.Val, "Content-Security-Policy") {
					for _, b := range n.Attr {
						if b.Key == "content" {
							f.csp = b.Val
						}
					}
				}
			}
		case html.TextNode:
			text.WriteString(n.Data)
			text.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	f.text = strings.Join(strings.Fields(text.String()), " ")
	return f
}

// checkSelfContained asserts the offline rules on a page: every image is a
// data: URI or an existing relative file, nothing references http(s), no
// script or external style, and the CSP forbids fetches.
func checkSelfContained(t *testing.T, f pageFacts, pageDir string) {
	t.Helper()
	for _, src := range f.imgSrcs {
		if strings.HasPrefix(src, "data:image/") {
			continue
		}
		if strings.Contains(src, ":") || strings.HasPrefix(src, "/") {
			t.Errorf("img src %.60q is neither data: nor relative", src)
			continue
		}
		if _, err := os.Stat(filepath.Join(pageDir, filepath.FromSlash(src))); err != nil {
			t.Errorf("img src %q: %v", src, err)
		}
	}
	for _, v := range f.urlAttrs {
		l := strings.ToLower(v)
		if strings.Contains(l, "http:") || strings.Contains(l, "https:") || strings.Contains(l, "//") && !strings.HasPrefix(l, "data:") {
			t.Errorf("attribute value references the network: %.80q", v)
		}
	}
	for _, tag := range []string{"script", "link", "iframe", "object", "embed"} {
		if f.tags[tag] > 0 {
			t.Errorf("page has %d <%s> elements", f.tags[tag], tag)
		}
	}
	if !strings.Contains(f.csp, "default-src 'none'") || !strings.Contains(f.csp, "img-src data:") {
		t.Errorf("CSP %q does not forbid fetches", f.csp)
	}
}

func TestReportStructure(t *testing.T) {
	ds, ims := openFake(t, datasettest.Options{})
	var buf bytes.Buffer
	sum, err := Render(&buf, ds, Options{Sample: 5, Worst: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// 5 sampled, 3 worst QA, 3 lowest est_dice.
	if sum.Tiles != 11 || len(sum.Problems) != 0 || sum.Bytes != buf.Len() {
		t.Errorf("summary %+v, want 11 tiles and no problems", sum)
	}
	f := parsePage(t, buf.Bytes())
	checkSelfContained(t, f, ds.Dir())
	// Two <img> per tile: the image and its contour.
	if len(f.imgSrcs) != 2*11 {
		t.Errorf("%d img elements, want 22", len(f.imgSrcs))
	}
	for _, id := range []string{"counts", "labels", "qa", "sample", "lowest", "worst", "exclusions", "provenance"} {
		if !f.ids[id] {
			t.Errorf("no section #%s", id)
		}
	}
	if f.tags["svg"] != 4 {
		t.Errorf("%d svg plots, want 4 (area, ratio, probability, est_dice)", f.tags["svg"])
	}
	// The lowest est_dice sheet ranks by est_dice: 0 (image 6), 0.81 (1), 0.86 (3).
	low := lowestEstDice(slices.Collect(ds.All()), 3)
	if len(low) != 3 || low[0].DicomID != ims[6].DicomID || low[1].DicomID != ims[1].DicomID || low[2].DicomID != ims[3].DicomID {
		t.Errorf("lowest est_dice order wrong: %v", low)
	}
	for _, want := range []string{
		"train 4 50.0 4 4", "ViewPosition train validate test all PA 4 1 0 5 AP 0 1 2 3", "validate 2 25.0 2 2", "test 2 25.0 2 2", "all 8 100.0 4 8",
		// Atelectasis in train: images 0,2,4,7 -> cells 1.0, -1.0, 1.0, empty.
		"Atelectasis 50.0 25.0 0.0 25.0",
		"no_report", "corrupt_jpeg", `decode: "unexpected EOF", <truncated> & skipped`,
		"one_lung", "low_confidence", "0123456789abcdef", "Random sample (5 images, seed 7)", "Worst QA (3 images)", "Lowest estimated Dice (3 images)", "est 0.810",
	} {
		if !strings.Contains(f.text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	// The worst sheet starts with the image with two flags.
	worst := buf.String()[strings.Index(buf.String(), `id="worst"`):]
	if i, j := strings.Index(worst, ims[3].DicomID), strings.Index(worst, ims[1].DicomID); i < 0 || j < 0 || i > j {
		t.Errorf("worst sheet order: two-flag image at %d, one-flag image at %d", i, j)
	}
	// Every embedded image decodes; contours are 224x224 and red where the
	// mask has lungs.
	for i, src := range f.imgSrcs {
		mime, data, ok := strings.Cut(strings.TrimPrefix(src, "data:"), ";base64,")
		if !ok {
			t.Fatalf("img %d: src is not a base64 data URI", i)
		}
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			t.Fatalf("img %d: %v", i, err)
		}
		var m image.Image
		if mime == "image/png" {
			m, err = png.Decode(bytes.NewReader(b))
		} else {
			m, err = jpeg.Decode(bytes.NewReader(b))
		}
		if err != nil || m.Bounds().Dx() != 224 || m.Bounds().Dy() != 224 {
			t.Errorf("img %d (%s): %v, bounds %v", i, mime, err, m)
		}
	}
}

// TestReportDeterministic: the same dataset and seed give the same bytes.
func TestReportDeterministic(t *testing.T) {
	ds, _ := openFake(t, datasettest.Options{})
	var a, b bytes.Buffer
	if _, err := Render(&a, ds, Options{Sample: 3, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(&b, ds, Options{Sample: 3, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders with one seed differ")
	}
}

// TestReportWithoutOptionalFiles: no QA, no exclusions, no manifest.
func TestReportWithoutOptionalFiles(t *testing.T) {
	ds, _ := openFake(t, datasettest.Options{NoQA: true, NoExclusions: true, NoManifest: true})
	var buf bytes.Buffer
	sum, err := Render(&buf, ds, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := parsePage(t, buf.Bytes())
	checkSelfContained(t, f, ds.Dir())
	if sum.Tiles != 8 || len(f.imgSrcs) != 16 || f.tags["svg"] != 0 {
		t.Errorf("tiles %d, imgs %d, svgs %d; want 8 sample tiles, no plots", sum.Tiles, len(f.imgSrcs), f.tags["svg"])
	}
	for _, want := range []string{"no CXLSeg-qa.csv", "no CXLSeg-exclusions.csv", "No manifest.json"} {
		if !strings.Contains(f.text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
}

// TestReportMissingImage: an image that cannot be read becomes a named
// problem, never a broken <img>.
func TestReportMissingImage(t *testing.T) {
	ds, ims := openFake(t, datasettest.Options{NoQA: true})
	r, _ := ds.Lookup(ims[2].DicomID)
	if err := os.Remove(r.ImagePath); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.MaskPath+"", []byte("not a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	r5, _ := ds.Lookup(ims[5].DicomID)
	if err := os.WriteFile(r5.ImagePath, []byte{0xff, 0xd8, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	sum, err := Write(ds, out, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Tiles != 6 || len(sum.Problems) != 2 {
		t.Fatalf("summary %+v, want 6 tiles and 2 problems", sum)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := parsePage(t, b)
	checkSelfContained(t, f, filepath.Dir(out))
	if len(f.imgSrcs) != 12 || !strings.Contains(f.text, "decode") {
		t.Errorf("%d imgs (want 12); problems shown: %v", len(f.imgSrcs), strings.Contains(f.text, "decode"))
	}
}

func TestWriteIsAtomic(t *testing.T) {
	ds, _ := openFake(t, datasettest.Options{NoImages: true})
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ds, out, Options{Sample: -1, Worst: -1}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files in the output directory, want only report.html", len(ents))
	}
	if _, err := Write(ds, filepath.Join(dir, "no", "such", "dir", "r.html"), Options{}); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

// decodeDataURI decodes a base64 data: URI image.
func decodeDataURI(t *testing.T, src string) image.Image {
	t.Helper()
	mime, data, ok := strings.Cut(strings.TrimPrefix(src, "data:"), ";base64,")
	if !ok {
		t.Fatalf("src %.40q is not a base64 data URI", src)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	var m image.Image
	if mime == "image/png" {
		m, err = png.Decode(bytes.NewReader(b))
	} else {
		m, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReportOnOriginals: with MimicRoot, an image whose original exists is
// shown reduced from the original (here uniform gray, so no black outside
// the lungs); the others fall back to the segmented image.
func TestReportOnOriginals(t *testing.T) {
	ds, ims := openFake(t, datasettest.Options{NoQA: true})
	root := t.TempDir()
	orig := image.NewGray(image.Rect(0, 0, 500, 610))
	for i := range orig.Pix {
		orig.Pix[i] = 200
	}
	p := filepath.Join(root, filepath.FromSlash(ims[0].ImageRel()))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, orig, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := Render(&buf, ds, Options{MimicRoot: root}); err != nil {
		t.Fatal(err)
	}
	f := parsePage(t, buf.Bytes())
	checkSelfContained(t, f, ds.Dir())
	meanCorner := func(id string) float64 {
		src, ok := f.imgByAlt[id]
		if !ok {
			t.Fatalf("no tile for %s", id)
		}
		m := decodeDataURI(t, src)
		if m.Bounds().Dx() != 224 || m.Bounds().Dy() != 224 {
			t.Fatalf("%s: base image %v", id, m.Bounds())
		}
		sum := 0.0
		for y := 0; y < 10; y++ {
			for x := 0; x < 10; x++ {
				r, _, _, _ := m.At(x, y).RGBA()
				sum += float64(r >> 8)
			}
		}
		return sum / 100
	}
	if c := meanCorner(ims[0].DicomID); math.Abs(c-200) > 3 {
		t.Errorf("original tile corner %.1f, want about 200", c)
	}
	if c := meanCorner(ims[1].DicomID); c > 10 {
		t.Errorf("segmented tile corner %.1f, want black", c)
	}
	if !strings.Contains(f.text, "original (where found under "+root) {
		t.Error("page does not say the contours are on originals")
	}
}

// TestReportEmptyDataset: a dataset with no images still renders.
func TestReportEmptyDataset(t *testing.T) {
	dir := t.TempDir()
	if _, err := datasettest.Write(dir, datasettest.Options{NoImages: true}); err != nil {
		t.Fatal(err)
	}
	if err := datasettest.HeaderOnly(dir, dataset.SegmentedFile, dataset.QAFile); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := Render(&buf, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := parsePage(t, buf.Bytes())
	if sum.Tiles != 0 || len(f.imgSrcs) != 0 || !strings.Contains(f.text, "all 0 0.0 0 0") {
		t.Errorf("empty dataset: %d tiles, %d imgs", sum.Tiles, len(f.imgSrcs))
	}
}

func TestReportExclusionLimit(t *testing.T) {
	ds, _ := openFake(t, datasettest.Options{NoImages: true})
	for _, tt := range []struct {
		limit, rows int
		cut         bool
	}{{0, 3, false}, {2, 2, true}, {-1, 0, true}, {5, 3, false}} {
		var buf bytes.Buffer
		if _, err := Render(&buf, ds, Options{Sample: -1, Worst: -1, MaxExclusions: tt.limit}); err != nil {
			t.Fatal(err)
		}
		s := buf.String()
		rows := strings.Count(s[strings.Index(s, `id="exclusions"`):], "<td>9f00000")
		if rows != tt.rows || strings.Contains(s, "Showing the first") != tt.cut {
			t.Errorf("MaxExclusions %d: %d rows (cut note %v), want %d (%v)", tt.limit, rows, !tt.cut, tt.rows, tt.cut)
		}
	}
}
