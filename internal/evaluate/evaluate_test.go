package evaluate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/preprocess"
)

// fixedBackend returns the same probability map for every image.
type fixedBackend struct {
	prob []float32
}

func (f *fixedBackend) Name() string  { return "fixed" }
func (f *fixedBackend) MaxBatch() int { return 2 }
func (f *fixedBackend) Close() error  { return nil }
func (f *fixedBackend) Predict(in []float32, n int, probs []float32) error {
	for i := range n {
		copy(probs[i*len(f.prob):], f.prob)
	}
	return nil
}

// lungMask is the same two-rectangle mask for every test image.
func lungMask(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := h / 5; y < h*4/5; y++ {
		for x := w / 8; x < w*7/8; x++ {
			if x < w*3/8 || x >= w*5/8 {
				g.Pix[y*w+x] = 255
			}
		}
	}
	return g
}

func writePNG(t *testing.T, path string, g *image.Gray) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, g); err != nil {
		t.Fatal(err)
	}
}

// tinySet writes 3 images (96x80) with the same mask under an index.
func tinySet(t *testing.T) []lungdata.Item {
	root := t.TempDir()
	var idx strings.Builder
	idx.WriteString("id,source,image,mask,split,convention\n")
	for i, spec := range []string{"a,train", "b,test", "a,test"} {
		src, split, _ := strings.Cut(spec, ",")
		name := string(rune('0' + i))
		img := image.NewGray(image.Rect(0, 0, 96, 80))
		for p := range img.Pix {
			img.Pix[p] = uint8(p * 7)
		}
		writePNG(t, filepath.Join(root, "images", name+".png"), img)
		writePNG(t, filepath.Join(root, "masks", name+".png"), lungMask(96, 80))
		idx.WriteString(src + "/" + name + "," + src + ",images/" + name + ".png,masks/" + name + ".png," + split + ",heart-excluded\n")
	}
	os.WriteFile(filepath.Join(root, "index.csv"), []byte(idx.String()), 0o644)
	l, err := lungdata.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func TestPerfectAndEmptyPredictions(t *testing.T) {
	const size = 32
	items := tinySet(t)
	truth := make([]uint8, size*size)
	if err := preprocess.New(size).Mask(truth, lungMask(96, 80)); err != nil {
		t.Fatal(err)
	}
	perfect := make([]float32, size*size)
	for i, v := range truth {
		perfect[i] = float32(v)
	}
	res, err := Run(t.Context(), items, Options{Backend: &fixedBackend{perfect}, Size: size, Clean: imgproc.DefaultCleanParams()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 3 {
		t.Fatalf("%d rows", len(res.Rows))
	}
	for _, row := range res.Rows {
		if s := row.Scores[0]; s.Dice != 1 || s.HD95 != 0 {
			t.Errorf("%s 224/raw: %+v", row.Item.ID, s)
		}
		// Upsampled 32 -> 96x80 the edges move by up to a pixel or two.
		if s := row.Scores[2]; s.Dice < 0.9 || s.HD95 > 3 {
			t.Errorf("%s orig/raw: %+v", row.Item.ID, s)
		}
		if row.Width != 96 || row.Height != 80 {
			t.Errorf("orig size %dx%d", row.Width, row.Height)
		}
	}
	groups := res.Summaries()
	names := []string{}
	for _, g := range groups {
		names = append(names, g.Name())
	}
	// test/b holds the same image as all/b, train/a the same as train/all.
	want := "all/all all/a all/b test/all test/a train/all"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("groups %q, want %q", got, want)
	}
	if g := groups[0]; g.Variants["224/raw"].N != 3 || g.Variants["224/raw"].Dice.Pooled != 1 {
		t.Errorf("all/all %+v", g.Variants["224/raw"])
	}

	empty := make([]float32, size*size)
	res, err = Run(t.Context(), items, Options{Backend: &fixedBackend{empty}, Size: size, Clean: imgproc.DefaultCleanParams()})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res.Rows {
		for v, s := range row.Scores {
			if s.Dice != 0 || s.Recall != 0 {
				t.Errorf("%s %s: %+v", row.Item.ID, Variants[v], s)
			}
		}
		if d := row.Scores[2].HD95; math.Abs(d-math.Hypot(96, 80)) > 1e-9 {
			t.Errorf("empty prediction HD95 %v, want the diagonal", d)
		}
	}

	dir := t.TempDir()
	if err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	csvData, _ := os.ReadFile(filepath.Join(dir, "per_image.csv"))
	lines := strings.Split(strings.TrimSpace(string(csvData)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "id,source,split,convention,width,height,dice_224_raw") {
		t.Errorf("csv:\n%s", csvData)
	}
	// Every row has the header's columns (encoding/csv insists), and
	// qa-calibrate's reader takes the file back.
	recs, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	if err != nil {
		t.Fatalf("per_image.csv: %v", err)
	}
	if want := 6 + 5*len(Variants) + 9; len(recs[0]) != want || !slices.Contains(recs[0], "dice_orig_native") {
		t.Errorf("header has %d columns, want %d: %v", len(recs[0]), want, recs[0])
	}
	qr, err := ReadQARows(filepath.Join(dir, "per_image.csv"))
	if err != nil || len(qr.Dice) != 3 {
		t.Fatalf("ReadQARows: %v", err)
	}
	var sum Summary
	js, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(js, &sum); err != nil {
		t.Fatalf("summary.json: %v\n%s", err, js)
	}
	if sum.Images != 3 || len(sum.Groups) != len(groups) {
		t.Errorf("summary %+v", sum)
	}
	var tab bytes.Buffer
	res.Table(&tab)
	if !strings.Contains(tab.String(), "test/a") {
		t.Errorf("table:\n%s", tab.String())
	}
}
