package builder

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/imgproc"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/outputs-224-*.sha256")

// TestOutputs224Unchanged pins the bytes of a default build (224, JPEG
// masks: CXLSeg's format) of the mini tree: adding other sizes and
// formats must not change them. The digests depend on the JPEG decoder
// (libjpeg-turbo and image/jpeg round the IDCT differently), so there is
// one golden file per decoder; go test -update rewrites the current one.
func TestOutputs224Unchanged(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 4, nil)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile || strings.HasPrefix(rel, StateDir+"/") {
			return nil // timestamps, host, journal
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&got, "%x  %s\n", sha256.Sum256(b), rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "outputs-224-"+imgproc.NewDecoder().Name()+".sha256")
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -run Outputs224 -update ./internal/builder writes it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("a default 224 build's outputs changed; got\n%s\nwant (%s)\n%s", got.String(), golden, want)
	}
}
