package builder

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as a build process for the SIGKILL
// test: with CXLSEG_TEST_CHILD_BUILD=root:out set, it runs a slow build
// and exits.
func TestMain(m *testing.M) {
	if v := os.Getenv("CXLSEG_TEST_CHILD_BUILD"); v != "" {
		root, out, _ := strings.Cut(v, string(os.PathListSeparator))
		_, err := Run(context.Background(), testOptions(root, out, 40*time.Millisecond))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv("CXLSEG_TEST_FAKE_CLI") != "" {
		os.Exit(fakeCLI(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeCLI stands in for the cxlseg binary in tests of the deploy/
// scripts: it parses `build` flags as the real command does and builds
// with the test backend.
func fakeCLI(args []string) int {
	if len(args) == 0 || args[0] != "build" {
		fmt.Fprintln(os.Stderr, "fake cxlseg: only build is supported")
		return 2
	}
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	mimic := fs.String("mimic", "", "")
	reports := fs.String("reports", "", "")
	out := fs.String("out", "", "")
	fs.String("backend", "", "")
	fs.String("split", "", "")
	fs.String("labels", "", "")
	fs.Uint64("seed", 0, "")
	shard := fs.String("shard", "", "")
	shards := fs.Int("shards", 0, "")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	s, err := ShardFromEnv(*shard, *shards, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	o := testOptions(*mimic, *out, 0)
	o.Reports, o.Shard = *reports, s
	if _, err := Run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// countLines counts the newline-terminated lines of a file.
func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte{'\n'})
}

// TestKillAndResume kills a build with SIGKILL at several points (early,
// mid-run, near the end), resumes it each time, and checks that the
// dataset equals an uninterrupted build's byte for byte, in both
// directions: no row lost or duplicated, same images, no file more, and no
// temporary file left.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "mimic")
	const n = 48
	writeMiniMimic(t, root, n, map[int]string{5: kindCorrupt, 9: kindNoReport, 20: kindZero})
	clean := filepath.Join(dir, "clean")
	if _, err := Run(context.Background(), testOptions(root, clean, 0)); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{2, 20, 40} {
		t.Run(fmt.Sprint("kill_after_", at), func(t *testing.T) {
			killAndResume(t, root, clean, filepath.Join(dir, fmt.Sprint("killed", at)), n, at)
		})
	}
}

// killAndResume starts a slow build of root into killed in a child
// process, kills it once at least `at` images are journaled, resumes, and
// compares with clean.
func killAndResume(t *testing.T, root, clean, killed string, n, at int) {
	t0 := time.Now()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CXLSEG_TEST_CHILD_BUILD="+root+string(os.PathListSeparator)+killed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(killed, StateDir, All.Dir(), JournalFile)
	deadline := time.Now().Add(20 * time.Second)
	for countLines(journal) < at && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("child at %d lines after %v", countLines(journal), time.Since(t0))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	done := countLines(journal)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed (err %v, %d lines journaled): %s", err, done, stderr.String())
	}
	if done >= n-3 || done < at {
		t.Fatalf("killed after %d of %d images: want at least %d and not all", done, n-3, at)
	}
	if _, err := os.Stat(filepath.Join(killed, QAFile)); err == nil {
		t.Fatal("killed run wrote the final QA CSV")
	}

	res, err := Run(context.Background(), testOptions(root, killed, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Skipped < at-1 || res.Stats.Skipped+res.Stats.Segmented+sumCounts(res.Stats.Excluded) != n-1 {
		t.Errorf("resume: skipped %d, segmented %d, excluded %d", res.Stats.Skipped, res.Stats.Segmented, sumCounts(res.Stats.Excluded))
	}
	t.Logf("resumed %v", time.Since(t0))
	compareTrees(t, clean, killed)
	compareTrees(t, killed, clean)
}

// compareTrees checks that two builds wrote the same CSVs and images.
func compareTrees(t *testing.T, a, b string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		if strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", rel)
		}
		if d.IsDir() {
			if rel == StateDir {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == ManifestFile {
			return nil
		}
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs (%v):\n%s\n----\n%s", rel, err, x, y)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Fatalf("only %d files compared", n)
	}
}
