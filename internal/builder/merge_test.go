package builder

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestShardsMergeEqualsSingleRun(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mimic")
	writeMiniMimic(t, root, 20, map[int]string{2: kindNoReport, 6: kindCorrupt, 11: kindLateral})
	for _, c := range []struct {
		size   int
		format string
	}{{224, MaskJPEG}, {SizeNative, MaskRLE}} {
		t.Run(SizeText(c.size)+"-"+c.format, func(t *testing.T) {
			dir := t.TempDir()
			single, sharded := filepath.Join(dir, "single"), filepath.Join(dir, "sharded")
			o := testOptions(root, single, 0)
			o.Size, o.MaskFormat = c.size, c.format
			if _, err := Run(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			const n = 3
			total := 0
			for i := range n {
				if i == n-1 {
					// Before the last shard ran, the merge names it.
					_, err := Merge(context.Background(), MergeOptions{Out: sharded})
					if err == nil || !strings.Contains(err.Error(), "2/3") {
						t.Fatalf("merge with a shard missing: %v", err)
					}
				}
				o := testOptions(root, sharded, 0)
				o.Size, o.MaskFormat = c.size, c.format
				o.Shard = Shard{Index: i, Count: n}
				res, err := Run(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				if res.Dataset != nil {
					t.Error("a shard wrote the final dataset")
				}
				total += res.Stats.Selected
			}
			if total != 18 {
				t.Errorf("shards hold %d images, want 18 selected", total)
			}
			if _, err := Merge(context.Background(), MergeOptions{Out: sharded}); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, single, sharded)
		})
	}
}

func TestMergeDetectsMissingAndMisplaced(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 12, nil)
	for i := range 2 {
		o := testOptions(root, out, 0)
		o.Shard = Shard{Index: i, Count: 2}
		if _, err := Run(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	j0 := filepath.Join(out, StateDir, "0-of-2", JournalFile)
	j1 := filepath.Join(out, StateDir, "1-of-2", JournalFile)
	data0, _ := os.ReadFile(j0)
	data1, _ := os.ReadFile(j1)
	lines := bytes.SplitAfter(data0, []byte{'\n'})
	lost, _ := decodeLine(bytes.TrimSuffix(lines[0], []byte{'\n'}))

	// A journal line lost: the merge lists the image.
	if err := os.WriteFile(j0, bytes.Join(lines[1:], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Merge(context.Background(), MergeOptions{Out: out})
	if err == nil || !strings.Contains(err.Error(), lost.DicomID) || !strings.Contains(err.Error(), "1 selected images") ||
		!strings.Contains(err.Error(), "shard 0/2 (") || strings.Contains(err.Error(), "shard 1/2") {
		t.Fatalf("merge with a line lost from shard 0's journal: %v; want shard 0/2 named, and only it", err)
	}
	// The same image journaled by shard 1 too: duplicated, wrong shard.
	if err := os.WriteFile(j0, data0, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(j1, append(append([]byte{}, data1...), lines[0]...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Merge(context.Background(), MergeOptions{Out: out})
	if err == nil || !strings.Contains(err.Error(), "wrong shard") || !strings.Contains(err.Error(), lost.DicomID) {
		t.Fatalf("merge with a misplaced line: %v", err)
	}
	// An output deleted after its shard finished.
	if err := os.WriteFile(j1, data1, 0o644); err != nil {
		t.Fatal(err)
	}
	var victim string
	filepath.Walk(filepath.Join(out, "files"), func(p string, info os.FileInfo, err error) error {
		if victim == "" && err == nil && strings.HasSuffix(p, "-mask.jpg") {
			victim = p
		}
		return nil
	})
	os.Remove(victim)
	_, err = Merge(context.Background(), MergeOptions{Out: out})
	if err == nil || !strings.Contains(err.Error(), filepath.Base(victim)) {
		t.Fatalf("merge with a deleted mask: %v", err)
	}
}

// TestSlurmExample runs deploy/slurm/cxlseg.sbatch as two array tasks (the
// test binary standing in for cxlseg), merges, and compares with a
// one-machine build.
func TestSlurmExample(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "mimic")
	writeMiniMimic(t, root, 10, map[int]string{3: kindNoReport})
	single, sharded := filepath.Join(dir, "single"), filepath.Join(dir, "sharded")
	if _, err := Run(context.Background(), testOptions(root, single, 0)); err != nil {
		t.Fatal(err)
	}
	for task := 1; task <= 2; task++ { // --array=1-2: indexes start at 1
		cmd := exec.Command(bash, filepath.Join("..", "..", "deploy", "slurm", "cxlseg.sbatch"))
		cmd.Env = append(os.Environ(), "CXLSEG_TEST_FAKE_CLI=1", "CXLSEG="+os.Args[0],
			"MIMIC="+root, "REPORTS="+root, "CXLSEG_OUT="+sharded,
			fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", task), "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=2")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("array task %d: %v\n%s", task, err, out)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(sharded, StateDir, "*"))
	if len(dirs) != 2 || filepath.Base(dirs[0]) != "0-of-2" || filepath.Base(dirs[1]) != "1-of-2" {
		t.Fatalf("state folders %v, want 0-of-2 and 1-of-2", dirs)
	}
	if _, err := Merge(context.Background(), MergeOptions{Out: sharded}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, single, sharded)
}

// TestIndexedJobExample runs deploy/k8s/indexed-job.yaml's containers the
// way the Job controller would, on a mini tree: its build args once per
// completion index with JOB_COMPLETION_INDEX set (the test binary standing
// in for the cxlseg image), the volume's /data mapped to a temporary
// folder; then the merge Job's args. The result must equal a one-machine
// build.
func TestIndexedJobExample(t *testing.T) {
	yaml, err := os.ReadFile(filepath.Join("..", "..", "deploy", "k8s", "indexed-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(yaml), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d YAML documents, want the build Job and the merge Job", len(docs))
	}
	data := t.TempDir()
	mapData := func(a string) string { return strings.ReplaceAll(a, "=/data/", "="+data+"/") }
	// The build Job: completions and the container's args list.
	m := regexp.MustCompile(`(?m)^\s*completions:\s*(\d+)`).FindStringSubmatch(docs[0])
	if m == nil || !strings.Contains(docs[0], "completionMode: Indexed") {
		t.Fatal("the build Job is not an Indexed Job with completions")
	}
	completions, _ := strconv.Atoi(m[1])
	var args []string
	in := false
	for _, line := range strings.Split(docs[0], "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "args:":
			in = true
		case in && strings.HasPrefix(l, "- "):
			a, _, _ := strings.Cut(strings.TrimPrefix(l, "- "), " #")
			args = append(args, mapData(strings.TrimSpace(a)))
		case in:
			in = false
		}
	}
	if len(args) < 4 || args[0] != "build" {
		t.Fatalf("build args %q", args)
	}
	// The volume: the MIMIC tree and the reports zip where the args say.
	var mimic, reports, out string
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--mimic="); ok {
			mimic = v
		}
		if v, ok := strings.CutPrefix(a, "--reports="); ok {
			reports = v
		}
		if v, ok := strings.CutPrefix(a, "--out="); ok {
			out = v
		}
	}
	writeMiniMimic(t, mimic, 20, map[int]string{3: kindNoReport})
	writeReportsZip(t, mimic, reports)
	single := filepath.Join(t.TempDir(), "single")
	o := testOptions(mimic, single, 0)
	o.Reports = reports
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for i := range completions {
		t.Setenv("JOB_COMPLETION_INDEX", strconv.Itoa(i))
		if code := fakeCLI(args); code != 0 {
			t.Fatalf("pod %d exited %d", i, code)
		}
	}
	// The merge Job: args: [merge, --out=/data/out, --shards=N].
	m = regexp.MustCompile(`args:\s*\[merge,\s*--out=(\S+),\s*--shards=(\d+)\]`).FindStringSubmatch(docs[1])
	if m == nil {
		t.Fatal("the merge Job's args are not [merge, --out=..., --shards=N]")
	}
	shards, _ := strconv.Atoi(m[2])
	if got := mapData("=" + m[1])[1:]; got != out || shards != completions {
		t.Fatalf("merge --out %s --shards %d, build --out %s with %d completions", got, shards, out, completions)
	}
	if _, err := Merge(context.Background(), MergeOptions{Out: out, Shards: shards}); err != nil {
		t.Fatal(err)
	}
	compareTrees(t, single, out)
}

// writeReportsZip packs the report files of a MIMIC tree into a zip as
// mimic-cxr-reports.zip holds them (files/pXX/pS/sS.txt).
func writeReportsZip(t *testing.T, root, zipPath string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(zipPath), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	txts, _ := filepath.Glob(filepath.Join(root, "files", "p*", "p*", "s*.txt"))
	for _, p := range txts {
		rel, _ := filepath.Rel(root, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
