package builder

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/model"
	"github.com/cxlseg/cxlseg/internal/sample"
)

// TestDemoSampleTree runs the demo on the bundled sample tree (with the
// test backend, for speed) and checks what it says to open exists.
func TestDemoSampleTree(t *testing.T) {
	dir := t.TempDir()
	o := testOptions("", "", 0)
	if _, err := sample.Write(filepath.Join(dir, DemoMimicDir), sample.Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := Demo(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := sample.Write(filepath.Join(t.TempDir(), "again"), sample.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := sum.Count(sample.ExpectSelected); d.Dataset.Images != want || want == 0 {
		t.Errorf("demo segmented %d images, the sample tree selects %d", d.Dataset.Images, want)
	}
	f, err := os.Open(d.Overlay)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 224 {
		t.Fatalf("overlay: %v", err)
	}
	// The contour is drawn in red somewhere.
	red := 0
	for y := range 224 {
		for x := range 224 {
			r, g, _, _ := img.At(x, y).RGBA()
			if r > 0xf000 && g < 0x4000 {
				red++
			}
		}
	}
	if red < 50 {
		t.Errorf("overlay has %d contour pixels", red)
	}
}

// TestRunDefaultBackend runs a tiny build through the real backend
// selection (auto: ONNX Runtime when it loads, else the native engine),
// as `cxlseg build` does, with a narrow SA-UNet (base 2: the pure-Go
// engine of a CGO_ENABLED=0 build takes seconds per image at base 16).
func TestRunDefaultBackend(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 2, nil)
	m0, err := model.New(model.Config{Arch: "saunet", Base: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	weightsPath := filepath.Join(dir, "tiny.safetensors")
	if err := m0.Save(weightsPath, nil); err != nil {
		t.Fatal(err)
	}
	o := testOptions(root, out, 0)
	o.OpenBackend = nil
	o.Model = weightsPath
	o.Threads = 1
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(filepath.Join(out, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if res.Dataset.Images != 2 || m.Backend.Name == "" || m.Backend.Why == "" || len(m.Backend.ModelSHA256) != 64 || m.Backend.ModelMetadata["preprocessing"] == "" {
		t.Errorf("images %d, backend %+v", res.Dataset.Images, m.Backend)
	}
	t.Logf("backend: %s (%s); stages %v, wall %.1fs", m.Backend.Name, m.Backend.Why, res.Stats.StageSeconds, res.Stats.WallSeconds)
}

// TestBuilderDoesNotEmbedTheDemo: the builder (what any program that builds
// a dataset links) does not depend on package sample and its 12 MB of demo
// JPEGs; only the cxlseg command does.
func TestBuilderDoesNotEmbedTheDemo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "/internal/sample\n") {
		t.Error("package builder depends on internal/sample")
	}
}
