package imgproc

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// goldenCase is one entry of testdata/golden/cases.json (make_goldens.py).
type goldenCase struct {
	Name       string   `json:"name"`
	Op         string   `json:"op"`
	Input      string   `json:"input"`
	Output     string   `json:"output"`
	Width      int      `json:"width"`
	Height     int      `json:"height"`
	BigWidth   int      `json:"big_width"`
	BigHeight  int      `json:"big_height"`
	BigSum     int64    `json:"big_sum"`
	Clip       float64  `json:"clip"`
	TilesX     int      `json:"tiles_x"`
	TilesY     int      `json:"tiles_y"`
	K          int      `json:"k"`
	Iterations int      `json:"iterations"`
	Rows       []string `json:"rows"`
	MD5        string   `json:"md5"`
	Linear224  string   `json:"linear224_md5"`
	AreaCLAHE  string   `json:"area224_clahe_md5"`
}

func loadCases(t *testing.T) []goldenCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		OpenCV string       `json:"opencv"`
		Cases  []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	// Every op keeps all its cases: a golden file that lost some would
	// otherwise let the tests of those ops pass by checking nothing.
	want := map[string]int{"resize_linear": 27, "resize_area": 27, "morph_erode": 20, "morph_dilate": 20,
		"morph_open": 20, "morph_close": 20, "clahe": 13, "decode_md5": 12, "ellipse": 9, "clean": 3,
		"mimic_linear": 1, "mimic_area": 1}
	got := map[string]int{}
	for _, c := range meta.Cases {
		got[c.Op]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("cases.json holds cases per op %v, want %v (regenerate with make_goldens.py and update this list)", got, want)
	}
	return meta.Cases
}

func loadPNG(t *testing.T, name string) *image.Gray {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	g, ok := m.(*image.Gray)
	if !ok {
		t.Fatalf("%s: %T, want *image.Gray", name, m)
	}
	return g
}

// diff compares two gray images: number of differing pixels, the largest
// absolute difference and the first differing position.
func diff(a, b *image.Gray) (n, maxd int, at image.Point) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := int(a.Pix[y*a.Stride+x]) - int(b.Pix[y*b.Stride+x])
			if d < 0 {
				d = -d
			}
			if d > 0 {
				if n == 0 {
					at = image.Pt(x, y)
				}
				n++
				maxd = max(maxd, d)
			}
		}
	}
	return n, maxd, at
}

// requireSame fails unless got equals want bit for bit.
func requireSame(t *testing.T, name string, got, want *image.Gray) {
	t.Helper()
	if got.Rect.Size() != want.Rect.Size() {
		t.Fatalf("%s: size %v, want %v", name, got.Rect.Size(), want.Rect.Size())
	}
	if n, maxd, at := diff(got, want); n > 0 {
		t.Errorf("%s: %d pixels differ from OpenCV (max %d, first at %v)", name, n, maxd, at)
	}
}

func TestGoldenResize(t *testing.T) {
	var r Resizer
	for _, c := range loadCases(t) {
		if c.Op != "resize_linear" && c.Op != "resize_area" {
			continue
		}
		src, want := loadPNG(t, c.Input), loadPNG(t, c.Output)
		got := image.NewGray(image.Rect(0, 0, c.Width, c.Height))
		if c.Op == "resize_linear" {
			r.Linear(got, src)
		} else {
			r.Area(got, src)
		}
		requireSame(t, c.Name, got, want)
	}
}

// TestGoldenMIMIC checks the production case: a 2544x3056 image (rebuilt
// by upscaling the committed crop, itself checked against OpenCV's sum)
// resized to 224 with both filters.
func TestGoldenMIMIC(t *testing.T) {
	var r Resizer
	for _, c := range loadCases(t) {
		if c.Op != "mimic_linear" && c.Op != "mimic_area" {
			continue
		}
		big := image.NewGray(image.Rect(0, 0, c.BigWidth, c.BigHeight))
		r.Linear(big, loadPNG(t, c.Input))
		var sum int64
		for _, v := range big.Pix {
			sum += int64(v)
		}
		if sum != c.BigSum {
			t.Fatalf("%s: upscaled image sum %d, OpenCV %d", c.Name, sum, c.BigSum)
		}
		got := image.NewGray(image.Rect(0, 0, c.Width, c.Height))
		if c.Op == "mimic_linear" {
			r.Linear(got, big)
		} else {
			r.Area(got, big)
		}
		requireSame(t, c.Name, got, loadPNG(t, c.Output))
	}
}

func TestGoldenCLAHE(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Op != "clahe" {
			continue
		}
		src, want := loadPNG(t, c.Input), loadPNG(t, c.Output)
		got := image.NewGray(src.Rect)
		NewCLAHE(c.Clip, c.TilesX, c.TilesY).Apply(got, src)
		requireSame(t, c.Name, got, want)
	}
}

func TestGoldenEllipse(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Op != "ellipse" {
			continue
		}
		g := Ellipse(c.K).Image()
		for y, row := range c.Rows {
			got := ""
			for x := range c.K {
				got += fmt.Sprint(g.Pix[y*g.Stride+x])
			}
			if got != row {
				t.Errorf("ellipse %d row %d: %s, OpenCV %s", c.K, y, got, row)
			}
		}
	}
}

func TestGoldenMorphology(t *testing.T) {
	for _, c := range loadCases(t) {
		var apply func(dst, src *image.Gray, k Kernel, n int)
		switch c.Op {
		case "morph_erode":
			apply = Erode
		case "morph_dilate":
			apply = Dilate
		case "morph_open":
			apply = Open
		case "morph_close":
			apply = Close
		default:
			continue
		}
		src, want := loadPNG(t, c.Input), loadPNG(t, c.Output)
		got := image.NewGray(src.Rect)
		apply(got, src, Ellipse(c.K), c.Iterations)
		requireSame(t, c.Name, got, want)
	}
}

// TestGoldenClean compares the Cleaner with the clean-up written the usual
// OpenCV way (morphologyEx, connectedComponentsWithStats, floodFill).
func TestGoldenClean(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Op != "clean" {
			continue
		}
		src, want := loadPNG(t, c.Input), loadPNG(t, c.Output)
		prob := make([]float32, len(src.Pix))
		for i, v := range src.Pix {
			prob[i] = float32(v) / 255
		}
		p := DefaultCleanParams()
		p.Kernel = c.K
		got := image.NewGray(src.Rect)
		NewCleaner(p).Clean(got, prob)
		requireSame(t, c.Name, got, want)
	}
}

// TestGoldenDecode: libjpeg-turbo decodes the real demo X-rays to exactly
// the bytes cv2.imread(IMREAD_GRAYSCALE) gives (OpenCV uses libjpeg-turbo
// too), and the product's two 224 images made from them (LINEAR; AREA then
// CLAHE 2.0 8x8) equal OpenCV's; checked by MD5 so the 2000x2000 images
// need not be committed.
func TestGoldenDecode(t *testing.T) {
	d := NewDecoder()
	if d.Name() != DecoderTurbo {
		testenv.Missing(t, testenv.RequireTurboJPEG, "libjpeg-turbo not in use: "+d.Why())
	}
	shared := testenv.SharedPath(t, "data")
	var rs Resizer
	cl := NewCLAHE(2, 8, 8)
	n := 0
	for _, c := range loadCases(t) {
		if c.Op != "decode_md5" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(shared, c.Input))
		if err != nil {
			t.Fatal(err)
		}
		g, err := d.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", c.Input, err)
		}
		sum := md5.Sum(g.Pix)
		if g.Rect.Dx() != c.Width || g.Rect.Dy() != c.Height || hex.EncodeToString(sum[:]) != c.MD5 {
			t.Errorf("%s: decoded %v, md5 %x; OpenCV %dx%d md5 %s", c.Input, g.Rect.Size(), sum, c.Width, c.Height, c.MD5)
		}
		lin, area := image224(), image224()
		rs.Linear(lin, g)
		rs.Area(area, g)
		cl.Apply(area, area)
		for _, x := range []struct {
			what string
			img  *image.Gray
			want string
		}{{"linear 224", lin, c.Linear224}, {"area 224 + CLAHE", area, c.AreaCLAHE}} {
			if sum := md5.Sum(x.img.Pix); hex.EncodeToString(sum[:]) != x.want {
				t.Errorf("%s: %s differs from OpenCV's", c.Input, x.what)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no decode cases")
	}
}
