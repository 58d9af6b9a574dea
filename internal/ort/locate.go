package ort

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// libName is the soname ONNX Runtime's Linux builds ship.
const libName = "libonnxruntime.so.1"

// Env variables naming the library: ours first, then the one other
// onnxruntime_go programs use.
const (
	EnvLib       = "CXLSEG_ORT_LIB"
	EnvLibCommon = "ONNXRUNTIME_SHARED_LIBRARY_PATH"
)

// EnvRequire, set to 1, turns the tests that need ONNX Runtime from
// skipping into failing when it cannot load (CI sets it).
const EnvRequire = "CXLSEG_REQUIRE_ORT"

// Search describes where Locate looks. The zero value searches from the
// process's working directory and executable with the real environment.
type Search struct {
	// Getenv reads environment variables; nil means os.Getenv.
	Getenv func(string) string
	// Dir is where the search for the module root starts; empty means the
	// working directory.
	Dir string
	// Exe is the running program's path; empty means os.Executable.
	Exe string
}

// Locate returns the ONNX Runtime library to load. An explicit path, or
// else CXLSEG_ORT_LIB, or else ONNXRUNTIME_SHARED_LIBRARY_PATH, is used as
// given and must exist (a user who names a file wants that file, not a
// silent fallback). Otherwise the first existing file among Candidates
// wins. The error lists every place tried.
func Locate(explicit string, s Search) (string, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, c := range []struct{ path, from string }{
		{explicit, "the library option"},
		{getenv(EnvLib), EnvLib},
		{getenv(EnvLibCommon), EnvLibCommon},
	} {
		if c.path == "" {
			continue
		}
		if _, err := os.Stat(c.path); err != nil {
			return "", fmt.Errorf("ONNX Runtime library %s (from %s): %w", c.path, c.from, err)
		}
		return c.path, nil
	}
	tried := Candidates(s)
	for _, p := range tried {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", &NotFoundError{Tried: tried}
}

// NotFoundError is Locate's error when no place holds the library. Error
// lists every place tried; Short says the same in one short line for logs
// where ONNX Runtime was optional.
type NotFoundError struct{ Tried []string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("ONNX Runtime library not found (run scripts/fetch-onnxruntime.sh, or set %s); tried %s",
		EnvLib, strings.Join(e.Tried, ", "))
}

// Short is Error without the list of places.
func (e *NotFoundError) Short() string {
	return fmt.Sprintf("ONNX Runtime library not found in %d places (scripts/fetch-onnxruntime.sh installs it; --backend onnxruntime lists the places)", len(e.Tried))
}

// Candidates lists the well-known places of the library, in search order:
// third_party/onnxruntime under the cxlseg module root (where
// scripts/fetch-onnxruntime.sh puts it) and next to the executable, the
// system library directories, then an installed onnxruntime Python wheel.
func Candidates(s Search) []string {
	var out []string
	dir := s.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	if root, err := ModuleRoot(dir); err == nil {
		out = append(out, filepath.Join(root, "third_party", "onnxruntime", libName))
	}
	exe := s.Exe
	if exe == "" {
		exe, _ = os.Executable()
	}
	if exe != "" {
		ed := filepath.Dir(exe)
		out = append(out, filepath.Join(ed, "third_party", "onnxruntime", libName), filepath.Join(ed, libName))
	}
	for _, d := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib", "/usr/lib"} {
		out = append(out, filepath.Join(d, libName), filepath.Join(d, "libonnxruntime.so"))
	}
	// The onnxruntime wheel keeps the library in onnxruntime/capi/ with its
	// version in the name (libonnxruntime.so.1.20.1).
	var wheels []string
	for _, pat := range []string{
		"/usr/lib/python3/dist-packages/onnxruntime/capi/libonnxruntime.so*",
		"/usr/local/lib/python3*/*-packages/onnxruntime/capi/libonnxruntime.so*",
		"/usr/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*",
	} {
		m, _ := filepath.Glob(pat)
		wheels = append(wheels, m...)
	}
	sort.Strings(wheels)
	return append(out, wheels...)
}

// ModulePath is cxlseg's Go module path, as go.mod declares it.
const ModulePath = "github.com/cxlseg/cxlseg"

// ModuleRoot walks up from dir to the directory whose go.mod declares
// module ModulePath.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && isCxlsegModule(string(b)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cxlseg module root not found")
		}
		dir = parent
	}
}

func isCxlsegModule(gomod string) bool {
	for _, line := range strings.Split(gomod, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "module" && f[1] == ModulePath {
			return true
		}
	}
	return false
}
