package lungdata

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// writeGray writes a w x h gray image whose pixels are f(x, y), encoded by
// the file's extension.
func writeGray(t *testing.T, path string, w, h int, f func(x, y int) uint8) {
	t.Helper()
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*w+x] = f(x, y)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	switch filepath.Ext(path) {
	case ".png":
		err = png.Encode(out, g)
	case ".jpg":
		err = jpeg.Encode(out, g, &jpeg.Options{Quality: 95})
	case ".gif":
		pal := make(color.Palette, 256)
		for i := range pal {
			pal[i] = color.Gray{uint8(i)}
		}
		p := image.NewPaletted(g.Rect, pal)
		copy(p.Pix, g.Pix)
		err = gif.Encode(out, p, nil)
	default:
		t.Fatalf("no encoder for %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func grad(x, y int) uint8 { return uint8(x*8 + y) }
func left(x, y int) uint8 {
	if x < 4 {
		return 255
	}
	return 0
}
func right(x, y int) uint8 {
	if x >= 12 {
		return 1 // Montgomery-style 0/1 values must binarise too
	}
	return 0
}

func maskArea(t *testing.T, l *Loader, it Item) (area, w, h int) {
	t.Helper()
	m, err := l.Mask(it)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range m.Pix {
		switch v {
		case 255:
			area++
		case 0:
		default:
			t.Fatalf("%s: mask value %d", it.ID, v)
		}
	}
	return area, m.Rect.Dx(), m.Rect.Dy()
}

func TestOpenIndex(t *testing.T) {
	root := t.TempDir()
	writeGray(t, filepath.Join(root, "images/a/x1.jpg"), 16, 8, grad)
	writeGray(t, filepath.Join(root, "masks/a/x1.png"), 16, 8, left)
	csv := "id,source,image,mask,width,height,split,convention,patient\n" +
		"a/x1,a,images/a/x1.jpg,masks/a/x1.png,16,8,validate,heart-excluded,p1\n"
	if err := os.WriteFile(filepath.Join(root, "index.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != "index" || len(l.Items) != 1 {
		t.Fatalf("listing %+v", l)
	}
	it := l.Items[0]
	if it.Split != Validate || it.Source != "a" || it.Convention != HeartExcluded || it.Patient != "p1" {
		t.Errorf("item %+v", it)
	}
	ld := NewLoader()
	img, err := ld.Image(it)
	if err != nil {
		t.Fatal(err)
	}
	if img.Rect.Dx() != 16 || img.Rect.Dy() != 8 {
		t.Errorf("image size %v", img.Rect)
	}
	if a, _, _ := maskArea(t, ld, it); a != 4*8 {
		t.Errorf("mask area %d, want 32", a)
	}
}

func TestParseIndexErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"missing column", "id,source,image,split\n", `missing column "mask"`},
		{"bad split", "id,source,image,mask,split\na,s,i.jpg,m.png,dev\n", "line 2: split"},
		{"duplicate", "id,source,image,mask,split\na,s,i.jpg,m.png,train\na,s,j.jpg,n.png,test\n", "line 3: duplicate id"},
		{"escape", "id,source,image,mask,split\na,s,../i.jpg,m.png,train\n", "leaves the data directory"},
		{"absolute", "id,source,image,mask,split\na,s,/etc/passwd,m.png,train\n", "leaves the data directory"},
		{"empty id", "id,source,image,mask,split\n,s,i.jpg,m.png,train\n", "empty id"},
		{"field count", "id,source,image,mask,split\na,s,i.jpg\n", "wrong number of fields"},
		{"empty", "", "header"},
	}
	for _, tc := range tests {
		_, err := ParseIndex(strings.NewReader(tc.csv), "index.csv", "/data")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "index.csv") {
			t.Errorf("%s: error %v, want one naming index.csv and containing %q", tc.name, err, tc.want)
		}
	}
}

func TestOpenPairs(t *testing.T) {
	root := filepath.Join(t.TempDir(), "myset")
	writeGray(t, filepath.Join(root, "images/p1.jpg"), 16, 8, grad)
	writeGray(t, filepath.Join(root, "masks/p1.png"), 16, 8, left)
	writeGray(t, filepath.Join(root, "images/sub/p2.png"), 16, 8, grad)
	writeGray(t, filepath.Join(root, "masks/sub/p2_mask.png"), 16, 8, left)
	writeGray(t, filepath.Join(root, "images/lonely.jpg"), 16, 8, grad)
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != "pairs" || len(l.Items) != 2 || len(l.Unmatched) != 1 {
		t.Fatalf("listing %+v", l)
	}
	if l.Items[0].ID != "myset/p1" || l.Items[1].ID != "myset/sub/p2" || l.Items[0].Convention != UnknownConvention {
		t.Errorf("items %+v", l.Items)
	}
	for _, it := range l.Items {
		if it.Split != HashSplit(it.ID) {
			t.Errorf("split %q for %s", it.Split, it.ID)
		}
	}
}

func TestOpenShenzhen(t *testing.T) {
	root := t.TempDir()
	base := filepath.Join(root, "Lung Segmentation")
	writeGray(t, filepath.Join(base, "CXR_png/CHNCXR_0001_0.png"), 16, 8, grad)
	writeGray(t, filepath.Join(base, "masks/CHNCXR_0001_0_mask.png"), 16, 8, left)
	writeGray(t, filepath.Join(base, "CXR_png/CHNCXR_0002_1.png"), 16, 8, grad)
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != "shenzhen" || len(l.Items) != 1 || len(l.Unmatched) != 1 {
		t.Fatalf("listing %+v", l)
	}
	it := l.Items[0]
	if it.ID != "shenzhen/CHNCXR_0001_0" || it.Convention != HeartExcluded || !strings.HasSuffix(it.Masks[0], "CHNCXR_0001_0_mask.png") {
		t.Errorf("item %+v", it)
	}
}

func TestOpenMontgomeryMergesLungs(t *testing.T) {
	root := t.TempDir()
	base := filepath.Join(root, "MontgomerySet")
	writeGray(t, filepath.Join(base, "CXR_png/MCUCXR_0001_0.png"), 16, 8, grad)
	writeGray(t, filepath.Join(base, "ManualMask/leftMask/MCUCXR_0001_0.png"), 16, 8, left)
	writeGray(t, filepath.Join(base, "ManualMask/rightMask/MCUCXR_0001_0.png"), 16, 8, right)
	writeGray(t, filepath.Join(base, "CXR_png/MCUCXR_0002_1.png"), 16, 8, grad)
	writeGray(t, filepath.Join(base, "ManualMask/leftMask/MCUCXR_0002_1.png"), 16, 8, left)
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != "montgomery" || len(l.Items) != 1 || len(l.Unmatched) != 1 {
		t.Fatalf("listing %+v", l)
	}
	if a, _, _ := maskArea(t, NewLoader(), l.Items[0]); a != (4+4)*8 {
		t.Errorf("merged mask area %d, want 64", a)
	}
}

func TestOpenJSRTWithSCR(t *testing.T) {
	root := t.TempDir()
	// A 16x16 raw image: 12-bit ramp, big-endian.
	raw := make([]byte, 16*16*2)
	for i := 0; i < 256; i++ {
		v := i * 16
		raw[2*i], raw[2*i+1] = byte(v>>8), byte(v)
	}
	if err := os.MkdirAll(filepath.Join(root, "All247images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "All247images/JPCLN001.IMG"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "All247images/JPCNN002.IMG"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	// SCR masks at half resolution, in both folds (first found wins).
	for _, fold := range []string{"fold1", "fold2"} {
		writeGray(t, filepath.Join(root, "scr", fold, "masks/left lung/JPCLN001.gif"), 8, 8, func(x, y int) uint8 { return left(x, y) })
		writeGray(t, filepath.Join(root, "scr", fold, "masks/right lung/JPCLN001.gif"), 8, 8, func(x, y int) uint8 {
			if x >= 6 {
				return 255
			}
			return 0
		})
	}
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != "jsrt" || len(l.Items) != 1 || len(l.Unmatched) != 1 {
		t.Fatalf("listing %+v", l)
	}
	ld := NewLoader()
	it := l.Items[0]
	img, err := ld.Image(it)
	if err != nil {
		t.Fatal(err)
	}
	// Value 0 (first pixel) is white after inversion; 4080 nearly black.
	if img.Rect.Dx() != 16 || img.Pix[0] != 255 || img.Pix[255] != 1 {
		t.Errorf("jsrt decode: size %v, first %d, last %d", img.Rect, img.Pix[0], img.Pix[255])
	}
	if a, w, _ := maskArea(t, ld, it); a != (4+2)*8 || w != 8 {
		t.Errorf("SCR mask area %d width %d, want 48 and 8", a, w)
	}
}

func TestDecodeJSRTRejects(t *testing.T) {
	for _, n := range []int{0, 3, 2 * 15} {
		if _, err := DecodeJSRT(make([]byte, n)); err == nil {
			t.Errorf("%d bytes accepted", n)
		}
	}
}

func TestOpenUnknownLayout(t *testing.T) {
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no known layout") {
		t.Errorf("error %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("missing directory accepted")
	}
}

func TestHashSplitProportions(t *testing.T) {
	counts := map[string]int{}
	for i := 0; i < 10000; i++ {
		counts[HashSplit("src/img"+string(rune('a'+i%26))+strings.Repeat("x", i%7)+string(rune(i)))]++
	}
	if counts[Train] < 7600 || counts[Validate] < 800 || counts[Test] < 800 {
		t.Errorf("split counts %v", counts)
	}
	if HashSplit("a/b") != HashSplit("a/b") {
		t.Error("not deterministic")
	}
}

func TestFilter(t *testing.T) {
	items := []Item{{ID: "1", Source: "a", Split: Train}, {ID: "2", Source: "b", Split: Train}, {ID: "3", Source: "a", Split: Test}}
	if got := Filter(items, Train); len(got) != 2 {
		t.Errorf("train: %v", got)
	}
	if got := Filter(items, "", "a"); len(got) != 2 {
		t.Errorf("source a: %v", got)
	}
	if got := Filter(items, Test, "b"); len(got) != 0 {
		t.Errorf("test b: %v", got)
	}
}

// TestRealIndex reads the shared lungseg index when it is present.
func TestRealIndex(t *testing.T) {
	path := testenv.SharedPath(t, "data", "lungseg", "index.csv")
	l, err := Open(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	// Train images per source as index.csv fixes them (2,467 images in all).
	want := map[string]int{"covid-radiography-viral-pneumonia": 1076, "v7labs-covid": 303, "montgomery": 111, "shenzhen": 453}
	got := map[string]int{}
	for _, it := range Filter(l.Items, Train) {
		got[it.Source]++
	}
	if len(l.Items) != 2467 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d items, train by source %v; want 2467 and %v", len(l.Items), got, want)
	}
	ld := NewLoader()
	for _, src := range []string{"covid-radiography-viral-pneumonia", "v7labs-covid", "montgomery", "shenzhen"} {
		it := Filter(l.Items, Test, src)[0]
		img, m, err := ld.Pair(it)
		if err != nil {
			t.Fatal(err)
		}
		if m.Rect.Dx() != img.Rect.Dx() || m.Rect.Dy() != img.Rect.Dy() {
			t.Errorf("%s: image %v, mask %v", it.ID, img.Rect, m.Rect)
		}
	}
}

// TestPairRefusesForeignMask: a mask of another aspect ratio than its image
// is an error naming both files; one at another resolution is accepted.
func TestPairRefusesForeignMask(t *testing.T) {
	root := t.TempDir()
	writeGray(t, filepath.Join(root, "img.png"), 64, 48, grad)
	writeGray(t, filepath.Join(root, "half.png"), 32, 24, grad)
	writeGray(t, filepath.Join(root, "square.png"), 48, 48, grad)
	ld := NewLoader()
	it := Item{ID: "x", Image: filepath.Join(root, "img.png"), Masks: []string{filepath.Join(root, "half.png")}}
	if _, _, err := ld.Pair(it); err != nil {
		t.Errorf("half-resolution mask: %v", err)
	}
	it.Masks = []string{filepath.Join(root, "square.png")}
	if _, _, err := ld.Pair(it); err == nil || !strings.Contains(err.Error(), "square.png") || !strings.Contains(err.Error(), "img.png") {
		t.Errorf("mask of another shape: %v", err)
	}
}

// TestPixelLimit: a PNG whose header claims more than MaxPixels is refused
// before it is decoded.
func TestPixelLimit(t *testing.T) {
	var buf bytes.Buffer
	// A valid 30000x30000 1-bit PNG compresses to a few kB.
	img := image.NewGray(image.Rect(0, 0, 30000, 2))
	png.Encode(&buf, img)
	b := buf.Bytes()
	// Patch the IHDR height (bytes 20-23) to 30000 and its CRC: the
	// header now claims 900 million pixels, and the limit must fire before
	// any decode.
	binary.BigEndian.PutUint32(b[20:24], 30000)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	p := filepath.Join(t.TempDir(), "big.png")
	os.WriteFile(p, b, 0o644)
	if _, err := NewLoader().decode(p); err == nil || !strings.Contains(err.Error(), "pixel limit") {
		t.Errorf("30000x30000 PNG: %v", err)
	}
}

func TestLoadSet(t *testing.T) {
	root := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,source,image,mask,split\n")
	for i := 0; i < 5; i++ {
		name := string(rune('a' + i))
		writeGray(t, filepath.Join(root, "images", name+".png"), 64, 48, grad)
		writeGray(t, filepath.Join(root, "masks", name+".png"), 64, 48, func(x, y int) uint8 {
			if x < 32 {
				return 255
			}
			return 0
		})
		csv.WriteString("s/" + name + ",s,images/" + name + ".png,masks/" + name + ".png,train\n")
	}
	if err := os.WriteFile(filepath.Join(root, "index.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(t.Context(), l.Items, 16, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 5 || len(s.Image(4)) != 256 {
		t.Fatalf("set of %d", s.Len())
	}
	for i := 0; i < s.Len(); i++ {
		area := 0
		for _, v := range s.Mask(i) {
			area += int(v)
		}
		if area != 128 {
			t.Errorf("item %d: mask area %d at 16x16, want 128", i, area)
		}
	}
	// A missing file stops the load with an error naming it.
	l.Items[3].Image = filepath.Join(root, "images", "gone.png")
	if _, err := Load(t.Context(), l.Items, 16, 2); err == nil || !strings.Contains(err.Error(), "gone.png") {
		t.Errorf("error %v", err)
	}
}
