package jpegenc

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// pyDecode decodes each JPEG named on the command line with PIL and with
// OpenCV (whichever the first argument lists) and writes the pixels raw
// next to it (.pil: PIL's mode "L" or "RGB"; .cv2: gray or BGR), printing
// one line per file: path, PIL mode, OpenCV channels.
const pyDecode = `
import sys
libs = sys.argv[1].split(",")
for p in sys.argv[2:]:
    mode, ch = "-", "-"
    if "PIL" in libs:
        from PIL import Image
        with Image.open(p) as im:
            im.load()
            mode = im.mode
            if im.mode != "L":
                im = im.convert("RGB")
            open(p + ".pil", "wb").write(im.tobytes())
    if "cv2" in libs:
        import cv2
        a = cv2.imread(p, cv2.IMREAD_UNCHANGED)
        if a is None:
            sys.exit("cv2 cannot read " + p)
        ch = str(1 if a.ndim == 2 else a.shape[2])
        open(p + ".cv2", "wb").write(a.tobytes())
    print(p, mode, ch)
`

// TestDecodesWithPython: libjpeg-based decoders (PIL and OpenCV, through
// /usr/bin/python3) read our files as the right kind of image, with pixels
// within 1 of image/jpeg's decoding (the decoders' inverse DCTs round
// differently), each of R, G and B for 4:2:0.
func TestDecodesWithPython(t *testing.T) {
	var libs []string
	for _, mod := range []string{"PIL", "cv2"} {
		if testenv.CheckPython(mod) == nil {
			libs = append(libs, mod)
		}
	}
	if len(libs) == 0 {
		testenv.Python(t, "PIL") // skips, saying why
	}
	dir := t.TempDir()
	e := New(95)
	want := map[string]*image.Gray{}
	var paths []string
	for i, sz := range []image.Point{{224, 224}, {1, 1}, {17, 9}, {33, 65}, {250, 199}} {
		m := smoothImage(sz.X, sz.Y, uint64(i))
		if i%2 == 1 {
			m = testImage(sz.X, sz.Y, uint64(i))
		}
		for _, ncomp := range []int{1, 3} {
			ours, _, data := encodeBoth(t, e, m, 95, ncomp)
			p := filepath.Join(dir, fmt.Sprintf("%dx%d-%d.jpg", sz.X, sz.Y, ncomp))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			want[p], paths = ours, append(paths, p)
		}
	}
	out, err := exec.Command(testenv.PythonPath(), append([]string{"-c", pyDecode, strings.Join(libs, ",")}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", testenv.PythonPath(), err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(paths) {
		t.Fatalf("python printed %q", out)
	}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("python printed %q", line)
		}
		p, mode, ch := f[0], f[1], f[2]
		g := want[p]
		gray := strings.HasSuffix(p, "-1.jpg")
		name := filepath.Base(p)
		wantMode, wantCh := "L", "1"
		if !gray {
			wantMode, wantCh = "RGB", "3"
		}
		for _, lib := range libs {
			raw, err := os.ReadFile(p + "." + strings.ToLower(lib))
			if err != nil {
				t.Fatal(err)
			}
			if lib == "PIL" && mode != wantMode || lib == "cv2" && ch != wantCh {
				t.Errorf("%s: %s reads mode %s / %s channels, want %s / %s", name, lib, mode, ch, wantMode, wantCh)
				continue
			}
			nch := 1
			if !gray {
				nch = 3
			}
			w, h := g.Rect.Dx(), g.Rect.Dy()
			if len(raw) != w*h*nch {
				t.Errorf("%s: %s gives %d bytes, want %d", name, lib, len(raw), w*h*nch)
				continue
			}
			worst := 0
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					px := raw[(y*w+x)*nch : (y*w+x+1)*nch]
					for _, v := range px {
						d := int(v) - int(g.Pix[y*g.Stride+x])
						worst = max(worst, d, -d)
					}
				}
			}
			t.Logf("%s: %s, largest difference from image/jpeg %d", name, lib, worst)
			if worst > 1 {
				t.Errorf("%s: %s's pixels differ from image/jpeg's by up to %d, want <= 1", name, lib, worst)
			}
		}
	}
}
