package imgproc

import (
	"bytes"
	"encoding/binary"
	"image"
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// naiveResize is the direct formula FloatResizer's row cache must agree
// with bit for bit.
func naiveResize(dst []float32, dw, dh int, src []float32, sw, sh int) {
	xs, ys := floatTaps(nil, sw, dw), floatTaps(nil, sh, dh)
	for y, ty := range ys {
		r0, r1 := src[ty.i0*sw:(ty.i0+1)*sw], src[ty.i1*sw:(ty.i1+1)*sw]
		for x, tx := range xs {
			a := r0[tx.i0] + (r0[tx.i1]-r0[tx.i0])*tx.w1
			b := r1[tx.i0] + (r1[tx.i1]-r1[tx.i0])*tx.w1
			dst[y*dw+x] = a + (b-a)*ty.w1
		}
	}
}

func TestFloatResizeHand(t *testing.T) {
	var r FloatResizer
	dst := make([]float32, 4)
	r.Resize(dst, 4, 1, []float32{0, 1}, 2, 1)
	want := []float32{0, 0.25, 0.75, 1}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("got %v, want %v", dst, want)
		}
	}
	same := make([]float32, 6)
	src := []float32{1, 2, 3, 4, 5, 6}
	r.Resize(same, 3, 2, src, 3, 2)
	for i := range src {
		if same[i] != src[i] {
			t.Fatalf("identity: got %v", same)
		}
	}
}

func TestFloatResizeMatchesFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var r FloatResizer // reused across sizes on purpose
	for _, c := range [][4]int{{7, 5, 23, 17}, {224, 224, 512, 512}, {224, 224, 301, 257}, {9, 9, 4, 3}, {1, 1, 5, 5}, {5, 1, 5, 9}} {
		sw, sh, dw, dh := c[0], c[1], c[2], c[3]
		src := make([]float32, sw*sh)
		for i := range src {
			src[i] = rng.Float32()
		}
		got, want := make([]float32, dw*dh), make([]float32, dw*dh)
		r.Resize(got, dw, dh, src, sw, sh)
		naiveResize(want, dw, dh, src, sw, sh)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%v: pixel %d = %v, formula %v", c, i, got[i], want[i])
			}
		}
	}
}

// TestFloatResizeMatchesOpenCV compares with cv2.resize INTER_LINEAR on
// float32 (Debian's python3-opencv).
func TestFloatResizeMatchesOpenCV(t *testing.T) {
	py := testenv.Python(t, "cv2", "numpy")
	const sw, sh, dw, dh = 7, 5, 23, 17
	src := make([]float32, sw*sh)
	for i := range src {
		src[i] = float32(math.Sin(float64(i)*1.3)*0.5 + 0.5)
	}
	var in bytes.Buffer
	binary.Write(&in, binary.LittleEndian, src)
	cmd := exec.Command(py, "-c", `
import sys, numpy as np, cv2
a = np.frombuffer(sys.stdin.buffer.read(), '<f4').reshape(5, 7)
sys.stdout.buffer.write(cv2.resize(a, (23, 17), interpolation=cv2.INTER_LINEAR).astype('<f4').tobytes())`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, dw*dh)
	binary.Read(bytes.NewReader(out), binary.LittleEndian, want)
	got := make([]float32, dw*dh)
	var r FloatResizer
	r.Resize(got, dw, dh, src, sw, sh)
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("pixel %d: %v, OpenCV %v", i, got[i], want[i])
		}
	}
}

// blobProb is a smooth probability map with two lung-like blobs, and its
// cleaned mask at the model's size.
func blobProb(n int) ([]float32, *image.Gray) {
	p := make([]float32, n*n)
	for y := range n {
		for x := range n {
			fx, fy := float64(x)/float64(n), float64(y)/float64(n)
			d1 := math.Hypot((fx-0.3)/0.15, (fy-0.5)/0.3)
			d2 := math.Hypot((fx-0.7)/0.15, (fy-0.5)/0.3)
			p[y*n+x] = float32(1 / (1 + math.Exp(8*(min(d1, d2)-1))))
		}
	}
	p[3*n+3] = 0.99 // a speck the clean-up removes
	m := image.NewGray(image.Rect(0, 0, n, n))
	NewCleaner(DefaultCleanParams()).Clean(m, p)
	return p, m
}

func TestMaskScalerProperties(t *testing.T) {
	const n = 56
	p, clean := blobProb(n)
	// Add a hole in the probability map the clean-up fills.
	p[28*n+16], p[28*n+17] = 0.1, 0.1
	if clean.Pix[28*n+16] != 255 || clean.Pix[3*n+3] != 0 {
		t.Fatal("fixture: the clean-up should fill the hole and drop the speck")
	}
	s := NewMaskScaler(0.5)
	for _, sz := range [][2]int{{n, n}, {128, 128}, {301, 257}, {40, 40}} {
		dst := image.NewGray(image.Rect(0, 0, sz[0], sz[1]))
		s.Scale(dst, p, clean)
		xs, ys := floatTaps(nil, n, sz[0]), floatTaps(nil, n, sz[1])
		fg := 0
		for y, ty := range ys {
			for x, tx := range xs {
				v := dst.Pix[y*dst.Stride+x]
				if v != 0 && v != 255 {
					t.Fatalf("%v: value %d", sz, v)
				}
				all, none := true, true
				for _, sy := range []int{ty.i0, ty.i1} {
					for _, sx := range []int{tx.i0, tx.i1} {
						lung := clean.Pix[sy*n+sx] == 255
						all = all && lung
						none = none && !lung
					}
				}
				if all && v != 255 {
					t.Fatalf("%v: (%d,%d) is background though its samples are all lung", sz, x, y)
				}
				if none && v != 0 {
					t.Fatalf("%v: (%d,%d) is lung though its samples are all background", sz, x, y)
				}
				if v == 255 {
					fg++
				}
			}
		}
		// Same foreground fraction as the cleaned mask, within a few %.
		want := 0
		for _, v := range clean.Pix {
			if v == 255 {
				want++
			}
		}
		f, wf := float64(fg)/float64(sz[0]*sz[1]), float64(want)/float64(n*n)
		if math.Abs(f-wf) > 0.03 {
			t.Errorf("%v: foreground fraction %.3f, cleaned mask %.3f", sz, f, wf)
		}
	}
	// At the model's own size the scaler reproduces the cleaned mask.
	same := image.NewGray(clean.Rect)
	s.Scale(same, p, clean)
	if !bytes.Equal(same.Pix, clean.Pix) {
		t.Error("scaling to the model's size changed the cleaned mask")
	}
}

func BenchmarkMaskScalerNative(b *testing.B) {
	p, clean := blobProb(224)
	s := NewMaskScaler(0.5)
	dst := image.NewGray(image.Rect(0, 0, 2544, 3056))
	b.ReportAllocs()
	for b.Loop() {
		s.Scale(dst, p, clean)
	}
}
