// Package lungdatatest writes tiny synthetic lung-segmentation sets in the
// index layout that package lungdata reads (index.csv, images/, masks/),
// for tests of training and evaluation: gray pictures with two dark
// lung-shaped ellipses and their masks.
package lungdatatest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Options shape the set; zero values take the defaults.
type Options struct {
	Size     int // image side (64)
	N        int // images (14)
	Validate int // the last Validate images form the validate split (4), the rest train
	// RetrocardiacEvery makes every image i with i%RetrocardiacEvery == 1 a
	// retrocardiac-included one of source "v7" (0: none).
	RetrocardiacEvery int
}

// Write writes the set into a new temporary folder and returns it.
func Write(t testing.TB, opt Options) string {
	t.Helper()
	if opt.Size == 0 {
		opt.Size = 64
	}
	if opt.N == 0 {
		opt.N = 14
	}
	if opt.Validate == 0 {
		opt.Validate = 4
	}
	s := opt.Size
	f := float64(s) / 64
	root := t.TempDir()
	for _, dir := range []string{"images", "masks"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var idx strings.Builder
	idx.WriteString("id,source,image,mask,split,convention\n")
	for i := range opt.N {
		img, mask := image.NewGray(image.Rect(0, 0, s, s)), image.NewGray(image.Rect(0, 0, s, s))
		off := float64(i%5) - 2 // lungs move from image to image
		for y := range s {
			for x := range s {
				v := 170 + (x*y+i*7)%23
				for _, cx := range []float64{20*f + off, 44*f + off} {
					dx, dy := (float64(x)-cx)/(9*f), (float64(y)-32*f)/(20*f)
					if dx*dx+dy*dy < 1 {
						v, mask.Pix[y*s+x] = 60+(x+y)%15, 255
					}
				}
				img.Pix[y*s+x] = uint8(v)
			}
		}
		name := fmt.Sprintf("im%02d", i)
		for dir, g := range map[string]*image.Gray{"images": img, "masks": mask} {
			var buf bytes.Buffer
			if err := png.Encode(&buf, g); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, dir, name+".png"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		split, src, conv := "train", "a", "heart-excluded"
		if i >= opt.N-opt.Validate {
			split = "validate"
		}
		if k := opt.RetrocardiacEvery; k > 0 && i%k == 1 {
			src, conv = "v7", "retrocardiac-included"
		}
		fmt.Fprintf(&idx, "%s/%s,%s,images/%s.png,masks/%s.png,%s,%s\n", src, name, src, name, name, split, conv)
	}
	if err := os.WriteFile(filepath.Join(root, "index.csv"), []byte(idx.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}
