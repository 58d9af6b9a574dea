package builder

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

var badKinds = map[int]string{1: kindLateral, 3: kindNoReport, 4: kindMissing, 6: kindCorrupt,
	7: kindZero, 9: kindRGB, 10: kindSizeBad, 12: kindDup, 13: kindTruncated, 14: kindTiny}

func TestRunBadInputs(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 16, badKinds)
	var log bytes.Buffer
	o := testOptions(root, out, 0)
	o.Log = &log
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	// 16 rows: 1 lateral, 1 duplicate, 1 without report, 1 missing are
	// dropped by the catalog; corrupt, truncated, zero-byte and tiny by
	// the pipeline; RGB and a size mismatch are kept with a note.
	// The decoders word broken files differently (libjpeg may call a
	// broken header unsupported, or recover a truncated scan): any
	// bad-JPEG reason counts as "badjpeg".
	wantReasons := map[string]int{"not_frontal": 1, "duplicate": 1, "no_report": 1, "missing_image": 1,
		"badjpeg": 2, ReasonZeroByte: 1, ReasonBadDimensions: 1}
	ex := testenv.ReadCSV(t, filepath.Join(out, cxlcsv.ExclusionsFile))
	got := map[string]int{}
	for _, r := range ex[1:] {
		switch r[3] {
		case ReasonCorrupt, ReasonUnsupported, ReasonTruncated:
			got["badjpeg"]++
		default:
			got[r[3]]++
		}
	}
	for k, v := range wantReasons {
		if got[k] != v {
			t.Errorf("exclusions %s: %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if len(ex)-1 != 8 {
		t.Errorf("%d exclusions, want 8: %v", len(ex)-1, ex)
	}
	qa := testenv.ReadCSV(t, filepath.Join(out, QAFile))
	seg := testenv.ReadCSV(t, filepath.Join(out, cxlcsv.SegmentedFile))
	if len(qa) != 9 || len(seg) != 9 || res.Dataset.Images != 8 {
		t.Fatalf("qa %d rows, segmented %d rows, dataset %d images; want 8 images", len(qa)-1, len(seg)-1, res.Dataset.Images)
	}
	for i, r := range qa[1:] {
		if r[0] != seg[i+1][0] || r[3] != seg[i+1][3] {
			t.Errorf("qa row %d (%s) does not match segmented row (%s)", i, r[0], seg[i+1][0])
		}
		for _, p := range []string{r[3], strings.TrimSuffix(r[3], ".jpg") + "-mask.jpg"} {
			if !validOutput(filepath.Join(out, p), fileSize(t, filepath.Join(out, p)), 224, 224) {
				t.Errorf("%s is not a valid 224x224 JPEG", p)
			}
		}
	}
	if res.Stats.Notes != 2 {
		t.Errorf("%d images kept with a note, want 2 (RGB, size mismatch)", res.Stats.Notes)
	}
	// The notes reach CXLSeg-qa.csv, not only the journal.
	notes := map[string]bool{}
	for _, r := range qa[1:] {
		if n := r[len(qa[0])-1]; n != "" {
			notes[n] = true
		}
	}
	if qa[0][len(qa[0])-1] != "notes" || len(notes) != 2 {
		t.Errorf("CXLSeg-qa.csv notes column %q holds %v, want the 2 notes", qa[0][len(qa[0])-1], notes)
	}
	m, err := readManifest(filepath.Join(out, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "complete" || m.Dataset == nil || m.Dataset.Images != 8 || len(m.Inputs) != 3 || m.Inputs[0].SHA256 == "" {
		t.Errorf("manifest: %+v", m)
	}
	for _, w := range []string{"8 segmented", "throughput", "decode"} {
		if !strings.Contains(log.String(), w) {
			t.Errorf("summary lacks %q:\n%s", w, log.String())
		}
	}
}

func TestRunSizeMismatchExclude(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 3, map[int]string{1: kindSizeBad})
	o := testOptions(root, out, 0)
	o.SizeMismatch = MismatchExclude
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Excluded[ReasonSizeMismatch] != 1 || res.Dataset.Images != 2 {
		t.Errorf("stats %+v", res.Stats)
	}
}

func TestRunOutputNotWritable(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "mimic")
	writeMiniMimic(t, root, 2, nil)
	// Root ignores permission bits, so as root the output sits under a
	// regular file instead, which no one can write into.
	out, want := filepath.Join(dir, "ro"), "not writable"
	if os.Geteuid() == 0 {
		if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		out, want = filepath.Join(dir, "file", "out"), "output folder"
	} else {
		if err := os.MkdirAll(out, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(out, 0o755)
	}
	_, err := Run(context.Background(), testOptions(root, out, 0))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want an error saying %q", err, want)
	}
}

func fileSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestResumeRefusesChangedParameters(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 3, nil)
	if _, err := Run(context.Background(), testOptions(root, out, 0)); err != nil {
		t.Fatal(err)
	}
	// Another split only rewrites the CSVs: resumed, nothing redone.
	o := testOptions(root, out, 0)
	o.Split = "patient"
	res, err := Run(context.Background(), o)
	if err != nil || res.Stats.Skipped != 3 {
		t.Fatalf("resume with another split: %v, %+v", err, res)
	}
	// Another policy changes outputs: refused.
	o.SizeMismatch = MismatchExclude
	_, err = Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "--no-resume") {
		t.Fatalf("resume with another policy: %v", err)
	}
	o.NoResume = true
	res, err = Run(context.Background(), o)
	if err != nil || res.Stats.Segmented != 3 {
		t.Fatalf("--no-resume: %v, %+v", err, res)
	}
}

// TestExcludedImageLosesStaleOutputs: an image segmented once, then
// corrupt on a rebuild, leaves no outputs behind that the CSVs do not list.
func TestExcludedImageLosesStaleOutputs(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 2, nil)
	res, err := Run(context.Background(), testOptions(root, out, 0))
	if err != nil || res.Dataset.Images != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	qa := testenv.ReadCSV(t, filepath.Join(out, QAFile))
	seg := filepath.Join(root, qa[1][3])
	if err := os.WriteFile(seg, []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := testOptions(root, out, 0)
	o.NoResume = true
	if res, err = Run(context.Background(), o); err != nil || res.Dataset.Images != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	if _, err := os.Stat(filepath.Join(out, qa[1][3])); !os.IsNotExist(err) {
		t.Errorf("stale output of the excluded image remains: %v", err)
	}
}
