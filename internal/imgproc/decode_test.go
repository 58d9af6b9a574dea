package imgproc

import (
	"bytes"
	"encoding/csv"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// decoders returns the decoders available in this build: always Go's, and
// libjpeg-turbo's when it loads.
func decoders(t testing.TB) []*Decoder {
	ds := []*Decoder{NewGoDecoder()}
	if d := NewDecoder(); d.Name() == DecoderTurbo {
		ds = append(ds, d)
	} else {
		t.Logf("libjpeg-turbo not in use: %s", d.Why())
	}
	return ds
}

// realImages lists real X-ray JPEGs: the 12 demo images and every 25th
// image of lungseg.
func realImages(t testing.TB) []string {
	shared := testenv.SharedPath(t, "data")
	paths, _ := filepath.Glob(filepath.Join(shared, "demo", "*.jpg"))
	f, err := os.Open(filepath.Join(shared, "lungseg", "index.csv"))
	if err == nil {
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("lungseg/index.csv: %v", err)
		}
		col := -1
		for i, name := range rows[0] {
			if name == "image" {
				col = i
			}
		}
		if col < 0 {
			t.Fatal("lungseg/index.csv: no image column")
		}
		for i := 1; i < len(rows); i += 25 {
			paths = append(paths, filepath.Join(shared, "lungseg", rows[i][col]))
		}
	}
	if len(paths) == 0 {
		testenv.Missing(t, testenv.RequireShared, "no real images found in ../shared")
	}
	return paths
}

// TestDecodersAgree decodes real X-rays with both decoders: same size,
// pixels within ±1.
func TestDecodersAgree(t *testing.T) {
	turbo := NewDecoder()
	if turbo.Name() != DecoderTurbo {
		testenv.Missing(t, testenv.RequireTurboJPEG, "only the Go decoder is available: "+turbo.Why())
	}
	goDec := NewGoDecoder()
	paths := realImages(t)
	if testing.Short() && len(paths) > 20 {
		paths = paths[:20]
	}
	hist := [3]int{}
	var ndiff, npix int
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := turbo.Decode(data)
		if err != nil {
			t.Fatalf("%s: turbo: %v", p, err)
		}
		a = cloneGray(a)
		b, err := goDec.Decode(data)
		if err != nil {
			t.Fatalf("%s: go: %v", p, err)
		}
		if a.Rect != b.Rect {
			t.Fatalf("%s: turbo %v, go %v", p, a.Rect, b.Rect)
		}
		n, maxd, at := diff(a, b)
		if maxd > 1 {
			t.Errorf("%s: %d pixels differ, max %d at %v", p, n, maxd, at)
		}
		hist[min(maxd, 2)]++
		ndiff += n
		npix += len(a.Pix)
	}
	t.Logf("%d images: max diff 0 in %d, 1 in %d, >1 in %d; %.2f%% of pixels differ",
		len(paths), hist[0], hist[1], hist[2], 100*float64(ndiff)/float64(npix))
}

func cloneGray(g *image.Gray) *image.Gray {
	c := image.NewGray(g.Rect)
	copyGray(c, g)
	return c
}

// fixture reads a JPEG written by make_goldens.py.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := readFixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFixture(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "jpeg", name))
}

// TestDecodeFormats decodes gray, color, progressive and CMYK fixtures and
// compares with the gray image cv2.imread(IMREAD_GRAYSCALE) gave. OpenCV
// decodes with libjpeg-turbo too, so the turbo path must match exactly
// (except CMYK, which OpenCV converts with its own formula); Go's decoder
// within ±1.
func TestDecodeFormats(t *testing.T) {
	cases := []struct {
		file, ref       string
		turboTol, goTol int
	}{
		{"gray.jpg", "gray_ref.png", 0, 1},
		{"gray_progressive.jpg", "gray_progressive_ref.png", 0, 1},
		{"ycbcr420.jpg", "ycbcr420_ref.png", 0, 1},
		{"ycbcr444_progressive.jpg", "ycbcr444_progressive_ref.png", 0, 1},
		{"cmyk.jpg", "cmyk_ref.png", 3, 3},
	}
	for _, d := range decoders(t) {
		for _, c := range cases {
			g, err := d.Decode(fixture(t, c.file))
			if err != nil {
				t.Errorf("%s %s: %v", d.Name(), c.file, err)
				continue
			}
			want := loadPNG(t, filepath.Join("..", "jpeg", c.ref))
			if g.Rect.Size() != want.Rect.Size() {
				t.Errorf("%s %s: size %v, want %v", d.Name(), c.file, g.Rect.Size(), want.Rect.Size())
				continue
			}
			tol := c.goTol
			if d.Name() == DecoderTurbo {
				tol = c.turboTol
			}
			if n, maxd, at := diff(g, want); maxd > tol {
				t.Errorf("%s %s: %d pixels off, max %d at %v (tolerance %d)", d.Name(), c.file, n, maxd, at, tol)
			}
		}
	}
}

// TestDecodeErrors checks the typed errors: empty, garbage, 12-bit,
// and a file cut in half (a warning with an image for libjpeg-turbo, which
// recovers; ErrCorrupt for Go's decoder, which cannot).
func TestDecodeErrors(t *testing.T) {
	good := fixture(t, "gray.jpg")
	twelve := bytes.Clone(good)
	if i := bytes.Index(twelve, []byte{0xFF, 0xC0}); i < 0 {
		t.Fatal("gray.jpg: no SOF0")
	} else {
		twelve[i+4] = 12 // sample precision
	}
	cases := []struct {
		name string
		data []byte
		kind error
	}{
		{"empty", nil, ErrCorrupt},
		{"garbage", []byte("this is not a JPEG file at all"), ErrCorrupt},
		{"header only", good[:20], ErrCorrupt},
		{"12-bit", twelve, ErrUnsupported},
	}
	for _, d := range decoders(t) {
		for _, c := range cases {
			g, err := d.Decode(c.data)
			var de *DecodeError
			if g != nil || !errors.As(err, &de) || !errors.Is(err, c.kind) {
				t.Errorf("%s %s: got (%v, %v), want a *DecodeError wrapping %v", d.Name(), c.name, g != nil, err, c.kind)
				continue
			}
			if de.Decoder != d.Name() {
				t.Errorf("%s %s: error names decoder %q", d.Name(), c.name, de.Decoder)
			}
		}
		// Truncated in the middle of the scan.
		cut := good[:len(good)*6/10]
		g, err := d.Decode(cut)
		switch d.Name() {
		case DecoderTurbo:
			if !IsWarning(err) || g == nil || g.Rect.Dx() != 160 {
				t.Errorf("turbo truncated: got (%v, %v), want an image and a *WarningError", g != nil, err)
			}
			// The decoded top part matches the full decode.
			top := cloneGray(g)
			full, err := d.Decode(good)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(top.Pix[:16*160], full.Pix[:16*160]) {
				t.Error("turbo truncated: first rows differ from the full image")
			}
		case DecoderGo:
			if g != nil || !errors.Is(err, ErrCorrupt) {
				t.Errorf("go truncated: got (%v, %v), want ErrCorrupt", g != nil, err)
			}
		}
	}
}

// TestDecodeReusesBuffer checks that the turbo path decodes into the same
// buffer and allocates nothing in steady state.
func TestDecodeReusesBuffer(t *testing.T) {
	d := NewDecoder()
	if d.Name() != DecoderTurbo {
		testenv.Missing(t, testenv.RequireTurboJPEG, "libjpeg-turbo not in use: "+d.Why())
	}
	data := fixture(t, "gray.jpg")
	g1, err := d.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		g2, err := d.Decode(data)
		if err != nil || &g2.Pix[0] != &g1.Pix[0] {
			t.Fatal("decode did not reuse its buffer")
		}
	})
	if allocs != 0 {
		t.Errorf("turbo decode: %v allocs per image, want 0", allocs)
	}
}

// TestGoDecoderMatchesImageJPEG guards the gray conversion of the Go path.
func TestGoDecoderMatchesImageJPEG(t *testing.T) {
	data := fixture(t, "ycbcr420.jpg")
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGoDecoder().Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	y := m.(*image.YCbCr)
	for i := 0; i < g.Rect.Dy(); i++ {
		if !bytes.Equal(g.Pix[i*g.Stride:i*g.Stride+g.Rect.Dx()], y.Y[i*y.YStride:i*y.YStride+g.Rect.Dx()]) {
			t.Fatalf("row %d: gray differs from the luma plane", i)
		}
	}
}

// TestFallbackWithoutLibrary: when the library cannot be loaded the
// Decoder uses Go's image/jpeg, says why, and decodes.
func TestFallbackWithoutLibrary(t *testing.T) {
	d := newDecoderLib("libturbojpeg-not-installed.so.0")
	if d.Name() != DecoderGo || d.Why() == "" {
		t.Fatalf("decoder %q (%q), want the Go fallback with a reason", d.Name(), d.Why())
	}
	t.Log(d.Why())
	g, err := d.Decode(fixture(t, "gray.jpg"))
	if err != nil || g.Rect.Dx() != 160 {
		t.Fatalf("fallback decode: %v", err)
	}
}
