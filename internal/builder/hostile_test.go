//go:build unix

package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/dataset"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/testenv"
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

// TestResumeRedoesChangedInputs: an original replaced after a run (or a
// different tree built into the same --out) is redone on resume, and the
// result equals a fresh build of the changed tree.
func TestResumeRedoesChangedInputs(t *testing.T) {
	dir := t.TempDir()
	root, out, fresh := filepath.Join(dir, "mimic"), filepath.Join(dir, "out"), filepath.Join(dir, "fresh")
	writeMiniMimic(t, root, 6, nil)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	imgs, _ := filepath.Glob(filepath.Join(root, "files", "p*", "p*", "s*", "*.jpg"))
	other, err := os.ReadFile(imgs[4])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(imgs[1], other, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(imgs[1], later, later)
	res, err := Run(context.Background(), testOptions(root, out, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Segmented != 1 || res.Stats.Skipped != 5 {
		t.Errorf("resume after a change: %d segmented, %d skipped; want 1 and 5", res.Stats.Segmented, res.Stats.Skipped)
	}
	if _, err := Run(context.Background(), testOptions(root, fresh, 0)); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(root, imgs[1])
	a, _ := os.ReadFile(filepath.Join(out, rel))
	b, _ := os.ReadFile(filepath.Join(fresh, rel))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("%s: resumed output (%d bytes) differs from a fresh build's (%d bytes)", rel, len(a), len(b))
	}
	for _, f := range []string{cxlcsv.SegmentedFile, cxlcsv.MaskFile, QAFile} {
		x, _ := os.ReadFile(filepath.Join(out, f))
		y, _ := os.ReadFile(filepath.Join(fresh, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the resumed and a fresh build", f)
		}
	}
}

// TestFinalFilesFailure: when writing the final files fails (a stand-in
// for a full disk: CXLSeg-qa.csv cannot be replaced), the error says how
// to resume, readers refuse the folder, and the same command run again
// completes it.
func TestFinalFilesFailure(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 4, nil)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	qa := filepath.Join(out, QAFile)
	os.Remove(qa)
	if err := os.MkdirAll(filepath.Join(qa, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := testOptions(root, out, 0)
	o.NoResume = true
	_, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("failed final write: %v", err)
	}
	if _, err := dataset.Open(out); !errors.Is(err, dataset.ErrIncomplete) {
		t.Errorf("dataset.Open of the half-written folder: %v, want ErrIncomplete", err)
	}
	os.RemoveAll(qa)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	if ds, err := dataset.Open(out); err != nil || ds.Len() != 4 {
		t.Errorf("after the rerun: %v", err)
	}
}

// TestSymlinksLeavingTheTree: an image linked to a file outside the MIMIC
// tree is followed and noted in CXLSeg-qa.csv; a report linked outside the
// reports folder (here to a secret file) is refused and its text appears
// in no output.
func TestSymlinksLeavingTheTree(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 4, nil)
	imgs, _ := filepath.Glob(filepath.Join(root, "files", "p*", "p*", "s*", "*.jpg"))
	outside := filepath.Join(dir, "elsewhere.jpg")
	if err := os.Rename(imgs[0], outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, imgs[0]); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.txt")
	os.WriteFile(secret, []byte(" FINAL REPORT\n IMPRESSION: TOP-SECRET-PASSWORD.\n"), 0o644)
	reps, _ := filepath.Glob(filepath.Join(root, "files", "p*", "p*", "s*.txt"))
	os.Remove(reps[1])
	if err := os.Symlink(secret, reps[1]); err != nil {
		t.Fatal(err)
	}
	o := testOptions(root, out, 0)
	o.ReportText = "full"
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	qa, _ := os.ReadFile(filepath.Join(out, QAFile))
	if !bytes.Contains(qa, []byte("symbolic link to a file outside the MIMIC tree")) {
		t.Errorf("no note for the linked image in %s", QAFile)
	}
	for _, f := range []string{cxlcsv.MetadataFile, cxlcsv.ExclusionsFile, QAFile} {
		b, _ := os.ReadFile(filepath.Join(out, f))
		if bytes.Contains(b, []byte("TOP-SECRET")) {
			t.Errorf("%s holds the text behind the report link", f)
		}
	}
	ex, _ := os.ReadFile(filepath.Join(out, cxlcsv.ExclusionsFile))
	if !bytes.Contains(ex, []byte("report_unreadable")) || !bytes.Contains(ex, []byte("outside the reports folder")) {
		t.Errorf("exclusions do not name the refused report:\n%s", ex)
	}
}

// TestStaleTempsRemoved: temporary files a killed run left next to the
// final files (killed between write and rename) are gone after a rerun.
func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 3, nil)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	stale := []string{"." + cxlcsv.SplitFile + ".tmp123", "." + QAFile + ".tmp9", "." + ManifestFile + ".tmp77"}
	for _, s := range stale {
		os.WriteFile(filepath.Join(out, s), []byte("partial"), 0o644)
	}
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	for _, s := range stale {
		if _, err := os.Stat(filepath.Join(out, s)); err == nil {
			t.Errorf("%s is still there", s)
		}
	}
}
