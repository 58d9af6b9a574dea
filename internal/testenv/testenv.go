// Package testenv tells tests where the project's outside resources are:
// the read-only shared/ data folder beside the module root, and Debian's
// Python with its python3-* modules. A test calls these helpers and is
// skipped, with a message saying what is missing, when a resource is absent,
// so a fresh machine with only Go still passes `go test ./...`.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// PythonPath is Debian's interpreter, which has python3-torch, -onnx,
// -opencv, -pandas and -pil; the python3 on PATH may be another one
// without them.
const PythonPath = "/usr/bin/python3"

// probeTimeout bounds the import check: importing torch takes seconds on a
// loaded machine, but a hung interpreter must not hang the test.
const probeTimeout = 60 * time.Second

// ModuleRoot returns the folder holding go.mod, searched upwards from the
// working directory (a package's folder under `go test`).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := moduleRoot(dir)
	if err != nil {
		t.Skip(err.Error())
	}
	return root
}

// moduleRoot returns the first folder from dir upwards that holds go.mod.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("go.mod not found above %s", dir)
		}
		d = parent
	}
}

// SharedDir returns the project's shared/ folder (../shared next to the
// module root, as in CI), or skips the test saying where it looked.
func SharedDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join(filepath.Dir(ModuleRoot(t)), "shared")
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		t.Skipf("skipping: shared data folder %s not found (expected ../shared next to the module root)", d)
	}
	return d
}

// SharedPath returns the path elem... under SharedDir, or skips the test
// when it does not exist (a partial copy of shared/).
func SharedPath(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedDir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipping: %s not found in the shared data folder", p)
	}
	return p
}

// Need skips the test when err (why an optional resource is unusable) is
// non-nil, or fails it when the environment variable require is "1": CI
// sets such a variable (CXLSEG_REQUIRE_ORT, say) once it has installed the
// resource, so the tests cannot silently stop running there.
func Need(t testing.TB, require string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv(require) == "1" {
		t.Fatalf("%s=1 but: %v", require, err)
	}
	t.Skipf("skipping: %v", err)
}

// Python returns PythonPath when it exists and imports every module named
// (Python import names, such as "cv2" or "PIL"), or skips the test naming
// what is missing.
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	if err := CheckPython(modules...); err != nil {
		t.Skip("skipping: " + err.Error())
	}
	return PythonPath
}

// CheckPython returns nil when PythonPath exists and imports every module
// named, or else an error saying what is missing; for helpers that have no
// testing.TB.
func CheckPython(modules ...string) error {
	if _, err := os.Stat(PythonPath); err != nil {
		return fmt.Errorf("%s not found", PythonPath)
	}
	if len(modules) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	list := strings.Join(modules, ", ")
	out, err := exec.CommandContext(ctx, PythonPath, "-c", "import "+list).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the ModuleNotFoundError line, not the traceback
		}
		if msg == "" || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = err.Error()
		}
		return fmt.Errorf("%s cannot import %s (install the python3-* Debian packages): %s", PythonPath, list, msg)
	}
	return nil
}
