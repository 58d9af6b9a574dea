package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, want string
		ok         bool
	}{
		{deep, filepath.Join(dir, "a"), true},
		{filepath.Join(dir, "a"), filepath.Join(dir, "a"), true},
		{dir, "", false}, // nothing above a temp folder holds go.mod
	}
	for _, tc := range tests {
		got, err := moduleRoot(tc.from)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("moduleRoot(%s) = %q, %v; want %q, ok=%v", tc.from, got, err, tc.want, tc.ok)
		}
	}
	// This package's own module: the root holds go.mod and this folder.
	root := ModuleRoot(t)
	if _, err := os.Stat(filepath.Join(root, "internal", "testenv", "testenv.go")); err != nil {
		t.Errorf("ModuleRoot = %s, which does not hold internal/testenv: %v", root, err)
	}
}

// TestSharedDir checks the folder when it is there; the skip path is the
// one a fresh machine takes.
func TestSharedDir(t *testing.T) {
	d := SharedDir(t)
	if filepath.Base(d) != "shared" || filepath.Dir(d) != filepath.Dir(ModuleRoot(t)) {
		t.Errorf("SharedDir = %s, want ../shared beside %s", d, ModuleRoot(t))
	}
	if p := SharedPath(t); p != d {
		t.Errorf("SharedPath() = %s, want %s", p, d)
	}
}

func TestCheckPython(t *testing.T) {
	if _, err := os.Stat(PythonPath()); err != nil {
		t.Skipf("skipping: %s not found", PythonPath())
	}
	if err := CheckPython(); err != nil {
		t.Errorf("CheckPython() = %v, want nil with %s present", err, PythonPath())
	}
	if err := CheckPython("sys", "json"); err != nil {
		t.Errorf("CheckPython(sys, json) = %v", err)
	}
	err := CheckPython("json", "no_such_module_cxlseg")
	if err == nil || !strings.Contains(err.Error(), "no_such_module_cxlseg") {
		t.Errorf("CheckPython with a missing module = %v, want an error naming it", err)
	}
	if got := Python(t, "json"); got != PythonPath() {
		t.Errorf("Python = %s, want %s", got, PythonPath())
	}
}

// TestCPUTime: burning CPU advances the clock, which never goes back.
func TestCPUTime(t *testing.T) {
	start := CPUTime()
	if start == 0 {
		t.Skip("skipping: CPU time unavailable on this platform")
	}
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	if end := CPUTime(); end <= start {
		t.Errorf("CPUTime went from %v to %v after a busy loop (%d)", start, end, x)
	}
}

func TestReadCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(path, []byte("a,b\n1,\"2,3\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ReadCSV(t, path)
	want := [][]string{{"a", "b"}, {"1", "2,3"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ReadCSV = %q, want %q", got, want)
	}
}

// TestNeed: a nil error lets the test run on; with the require variable
// unset a non-nil one skips it (the failing branch would fail this test).
func TestNeed(t *testing.T) {
	const env = "CXLSEG_TESTENV_REQUIRE_NOTHING"
	t.Setenv(env, "")
	Need(t, env, nil)
	ran := false
	t.Run("skips", func(t *testing.T) {
		defer func() { ran = true }()
		Need(t, env, os.ErrNotExist)
		t.Error("Need returned after a non-nil error")
	})
	if !ran {
		t.Error("subtest did not run")
	}
}

// TestMissingHelper is run by TestMissingFailsWhenRequired in a child
// process; on its own it does nothing.
func TestMissingHelper(t *testing.T) {
	if os.Getenv("CXLSEG_TESTENV_CHILD") != "1" {
		return
	}
	Missing(t, "CXLSEG_REQUIRE_TESTENV_DEMO", "the demo resource is absent")
}

// TestMissingFailsWhenRequired: a missing resource skips the test, and
// fails it when its require variable is 1.
func TestMissingFailsWhenRequired(t *testing.T) {
	run := func(require string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestMissingHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "CXLSEG_TESTENV_CHILD=1", "CXLSEG_REQUIRE_TESTENV_DEMO="+require)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, "the demo resource is absent") {
		t.Errorf("not required: err %v, output:\n%s", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, "CXLSEG_REQUIRE_TESTENV_DEMO=1 but the demo resource is absent") {
		t.Errorf("required: err %v, output:\n%s", err, out)
	}
}
