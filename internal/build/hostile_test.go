//go:build unix

package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cxlseg/internal/cxlcsv"
	"cxlseg/internal/testenv"
)

// TestRunNonRegularImages: an image path that is a FIFO or a link to
// /dev/zero is excluded as not_regular_file, promptly, and the run goes on;
// by the catalog's stat, or by the reader where IMAGE_FILENAMES lists it.
func TestRunNonRegularImages(t *testing.T) {
	for _, listed := range []bool{false, true} {
		t.Run(fmt.Sprint("listed=", listed), func(t *testing.T) { testNonRegular(t, listed) })
	}
}

func testNonRegular(t *testing.T, listed bool) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 6, nil)
	imgs, _ := filepath.Glob(filepath.Join(root, "files", "p*", "p*", "s*", "*.jpg"))
	if len(imgs) != 6 {
		t.Fatalf("%d images", len(imgs))
	}
	os.Remove(imgs[1])
	if err := syscall.Mkfifo(imgs[1], 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	os.Remove(imgs[3])
	if err := os.Symlink("/dev/zero", imgs[3]); err != nil {
		t.Fatal(err)
	}
	if listed {
		var list strings.Builder
		for _, p := range imgs {
			rel, _ := filepath.Rel(root, p)
			list.WriteString(filepath.ToSlash(rel) + "\n")
		}
		os.WriteFile(filepath.Join(root, "IMAGE_FILENAMES"), []byte(list.String()), 0o644)
	}
	var log bytes.Buffer
	o := testOptions(root, out, 0)
	o.Log = &log
	done := make(chan error, 1)
	go func() { _, err := Run(context.Background(), o); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the build hung on a FIFO or a device")
	}
	ex := testenv.ReadCSV(t, filepath.Join(out, cxlcsv.ExclusionsFile))
	n := 0
	for _, r := range ex[1:] {
		if r[3] == ReasonNotRegular {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d not_regular_file exclusions, want 2: %v", n, ex)
	}
	if seg := testenv.ReadCSV(t, filepath.Join(out, cxlcsv.SegmentedFile)); len(seg)-1 != 4 {
		t.Errorf("%d images in the dataset, want 4", len(seg)-1)
	}
}
