package preprocess

import (
	"bytes"
	"image"
	"os/exec"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// phantom is a deterministic w x h test image with structure at several
// scales (gradients, a bright band, texture).
func phantom(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := (x*200)/w + (y*40)/h + ((x*7 + y*13) % 11)
			if x > w*2/5 && x < w*3/5 {
				v += 60
			}
			g.Pix[y*w+x] = uint8(min(v, 255))
		}
	}
	return g
}

func TestCheck(t *testing.T) {
	if err := Check(map[string]string{MetaKey: ID}); err != nil {
		t.Errorf("matching ID refused: %v", err)
	}
	if err := Check(map[string]string{MetaKey: "gray>linear224>unit"}); err == nil || !strings.Contains(err.Error(), "gray>linear224>unit") {
		t.Errorf("other preprocessing accepted or unnamed: %v", err)
	}
	if err := Check(map[string]string{}); err == nil {
		t.Error("missing entry accepted")
	}
	if err := CheckFor(map[string]string{MetaKey: IDFor(32)}, 32); err != nil {
		t.Errorf("size 32: %v", err)
	}
	if IDFor(Size) != ID {
		t.Errorf("IDFor(Size) = %q, ID = %q", IDFor(Size), ID)
	}
}

func TestApplyRangeAndSize(t *testing.T) {
	p := New(Size)
	dst := make([]float32, Size*Size)
	if err := p.Apply(dst, phantom(500, 400)); err != nil {
		t.Fatal(err)
	}
	lo, hi := float32(1), float32(0)
	for _, v := range dst {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo < 0 || hi > 1 || hi-lo < 0.5 {
		t.Errorf("range [%v, %v]", lo, hi)
	}
	if err := p.Apply(make([]float32, 10), phantom(50, 50)); err == nil {
		t.Error("short buffer accepted")
	}
	if err := p.Apply(dst, image.NewGray(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("empty image accepted")
	}
}

func TestMaskAreaThreshold(t *testing.T) {
	// A 448x448 mask with the left 225 columns set: the area resize to 224
	// averages 2x2 blocks; column 112 covers source columns 224-225, half
	// set (value 127.5 -> 128 after rounding), so it counts as lung.
	src := image.NewGray(image.Rect(0, 0, 448, 448))
	for y := 0; y < 448; y++ {
		for x := 0; x < 225; x++ {
			src.Pix[y*448+x] = 255
		}
	}
	p := New(Size)
	dst := make([]uint8, Size*Size)
	if err := p.Mask(dst, src); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			want := uint8(0)
			if x <= 112 {
				want = 1
			}
			if dst[y*Size+x] != want {
				t.Fatalf("(%d,%d) = %d, want %d", x, y, dst[y*Size+x], want)
			}
		}
	}
}

func TestAllocationFree(t *testing.T) {
	p := New(Size)
	src := phantom(300, 280)
	dst := make([]float32, Size*Size)
	_ = p.Apply(dst, src)
	if n := testing.AllocsPerRun(5, func() { _ = p.Apply(dst, src) }); n != 0 {
		t.Errorf("%v allocations per image", n)
	}
}

// TestMatchesOpenCV runs the same steps with Debian's python3-opencv and
// requires identical 8-bit output (both imgproc functions are bit-exact to
// OpenCV 4.6).
func TestMatchesOpenCV(t *testing.T) {
	py := testenv.Python(t, "cv2", "numpy")
	src := phantom(517, 389)
	script := `
import sys, numpy as np, cv2
w, h = 517, 389
img = np.frombuffer(sys.stdin.buffer.read(), np.uint8).reshape(h, w)
small = cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA)
out = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(small)
sys.stdout.buffer.write(out.tobytes())
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(src.Pix)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	got, err := New(Size).Gray8(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, want) {
		diff := 0
		for i := range want {
			if got.Pix[i] != want[i] {
				diff++
			}
		}
		t.Errorf("%d of %d pixels differ from OpenCV", diff, len(want))
	}
}

func BenchmarkApply(b *testing.B) {
	p := New(Size)
	src := phantom(512, 512)
	dst := make([]float32, Size*Size)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Apply(dst, src); err != nil {
			b.Fatal(err)
		}
	}
}
