package imgproc

import (
	"bytes"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestEncodedReadByOpenCVAndPIL decodes our two JPEGs with libjpeg through
// OpenCV and PIL (an independent decoder): the mask is 1-channel "L", the
// segmented image 3-channel "RGB" with equal channels, both 224x224.
func TestEncodedReadByOpenCVAndPIL(t *testing.T) {
	py := testenv.Python(t, "cv2", "PIL")
	dir := t.TempDir()
	e := NewEncoder()
	img := loadPNG(t, "xray224.png")
	mask := testMask()
	seg := image224()
	And(seg, img, mask)
	for name, f := range map[string]func(*bytes.Buffer) error{
		"mask.jpg": func(b *bytes.Buffer) error { return e.EncodeMask(b, mask) },
		"seg.jpg":  func(b *bytes.Buffer) error { return e.EncodeSegmented(b, seg) },
	} {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := `
import sys, cv2, numpy as np
from PIL import Image
d = sys.argv[1]
m = Image.open(d + "/mask.jpg"); s = Image.open(d + "/seg.jpg")
c = cv2.imread(d + "/seg.jpg", cv2.IMREAD_UNCHANGED)
same = int(np.abs(c.astype(int) - c[:, :, :1].astype(int)).max())
print(m.mode, m.size[0], m.size[1], s.mode, s.size[0], s.size[1], c.shape[2], same)
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	f := strings.Fields(string(out))
	want := []string{"L", "224", "224", "RGB", "224", "224", "3"}
	if len(f) != 8 || strings.Join(f[:7], " ") != strings.Join(want, " ") {
		t.Fatalf("python saw %q, want %v + max channel difference", out, want)
	}
	// Neutral chroma decodes to R = G = B up to libjpeg's rounding.
	if f[7] != "0" && f[7] != "1" {
		t.Errorf("channels differ by up to %s", f[7])
	}
}

func image224() *image.Gray { return image.NewGray(image.Rect(0, 0, 224, 224)) }
