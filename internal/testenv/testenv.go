// Package testenv tells tests where the project's outside resources are:
// the read-only shared/ data folder beside the module root, and Debian's
// Python with its python3-* modules. A test calls these helpers and is
// skipped, with a message saying what is missing, when a resource is absent,
// so a fresh machine with only Go still passes `go test ./...`.
//
// CI installs every resource and then requires it: with the variable of a
// resource set to 1, its absence fails the test instead of skipping it, so
// a package that failed to install turns CI red rather than silently
// dropping the checks that prove correctness:
//
//	CXLSEG_REQUIRE_SHARED    ../shared (real X-rays, reports, the PyTorch model)
//	CXLSEG_REQUIRE_PYTHON    /usr/bin/python3 with every module a test imports
//	CXLSEG_REQUIRE_CHROMIUM  Debian's chromium
//	CXLSEG_REQUIRE_ORT       ONNX Runtime (cgo builds)
//	CXLSEG_REQUIRE_TURBOJPEG libjpeg-turbo (cgo builds)
//
// CXLSEG_PYTHON overrides the interpreter (default /usr/bin/python3), which
// also lets one check that requiring Python fails where Python lacks torch.
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

// DefaultPython is Debian's interpreter, which has python3-torch, -onnx,
// -opencv, -pandas and -pil; the python3 on PATH may be another one
// without them.
const DefaultPython = "/usr/bin/python3"

// Variables that turn a missing resource into a failure (see the package
// doc).
const (
	RequireShared    = "CXLSEG_REQUIRE_SHARED"
	RequirePython    = "CXLSEG_REQUIRE_PYTHON"
	RequireChromium  = "CXLSEG_REQUIRE_CHROMIUM"
	RequireORT       = "CXLSEG_REQUIRE_ORT"
	RequireTurboJPEG = "CXLSEG_REQUIRE_TURBOJPEG"
)

// PythonPath returns the interpreter the tests use: $CXLSEG_PYTHON or
// DefaultPython.
func PythonPath() string {
	if p := os.Getenv("CXLSEG_PYTHON"); p != "" {
		return p
	}
	return DefaultPython
}

// Missing skips the test with msg, or fails it when the variable require
// is "1" (see the package doc).
func Missing(t testing.TB, require, msg string) {
	t.Helper()
	if os.Getenv(require) == "1" {
		t.Fatalf("%s=1 but %s", require, msg)
	}
	t.Skip("skipping: " + msg)
}

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
		Missing(t, RequireShared, fmt.Sprintf("shared data folder %s not found (expected ../shared next to the module root)", d))
	}
	return d
}

// SharedPath returns the path elem... under SharedDir, or skips the test
// when it does not exist (a partial copy of shared/).
func SharedPath(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedDir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		Missing(t, RequireShared, p+" not found in the shared data folder")
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
		Missing(t, RequirePython, err.Error())
	}
	return PythonPath()
}

// CheckPython returns nil when PythonPath exists and imports every module
// named, or else an error saying what is missing; for helpers that have no
// testing.TB.
func CheckPython(modules ...string) error {
	py := PythonPath()
	if _, err := os.Stat(py); err != nil {
		return fmt.Errorf("%s not found", py)
	}
	if len(modules) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	list := strings.Join(modules, ", ")
	out, err := exec.CommandContext(ctx, py, "-c", "import "+list).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the ModuleNotFoundError line, not the traceback
		}
		if msg == "" || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = err.Error()
		}
		return fmt.Errorf("%s cannot import %s (install the python3-* Debian packages): %s", py, list, msg)
	}
	return nil
}
