package ort

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "libonnxruntime.so.1")
	if err := os.WriteFile(lib, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A fake module tree with the library where the fetch script puts it.
	mod := filepath.Join(dir, "mod")
	sub := filepath.Join(mod, "internal", "x")
	third := filepath.Join(mod, "third_party", "onnxruntime")
	for _, d := range []string{sub, third} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module "+ModulePath+"\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(third, "libonnxruntime.so.1"), []byte("x"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	noExe := filepath.Join(empty, "cxlseg")

	cases := []struct {
		name     string
		explicit string
		env      map[string]string
		dir      string
		want     string // path, or error substring when wantErr
		wantErr  bool
	}{
		{"explicit", lib, nil, empty, lib, false},
		{"explicit missing", filepath.Join(dir, "nope.so"), nil, sub, "nope.so (from the library option)", true},
		{"ours env", "", map[string]string{EnvLib: lib}, empty, lib, false},
		{"ours env wins", "", map[string]string{EnvLib: lib, EnvLibCommon: "/x"}, empty, lib, false},
		{"common env", "", map[string]string{EnvLibCommon: lib}, empty, lib, false},
		{"env missing", "", map[string]string{EnvLib: "/no/such/lib.so"}, sub, "from " + EnvLib, true},
		{"module root", "", nil, sub, filepath.Join(third, "libonnxruntime.so.1"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Locate(c.explicit, Search{Getenv: env(c.env), Dir: c.dir, Exe: noExe})
			if c.wantErr {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("Locate = %q, %v; want an error containing %q", got, err, c.want)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Locate = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestLocateNotFoundListsPlaces(t *testing.T) {
	empty := t.TempDir()
	s := Search{Getenv: func(string) string { return "" }, Dir: empty, Exe: filepath.Join(empty, "bin", "cxlseg")}
	for _, p := range Candidates(s) {
		if _, err := os.Stat(p); err == nil {
			t.Skipf("a system copy of ONNX Runtime exists at %s", p)
		}
	}
	_, err := Locate("", s)
	if err == nil {
		t.Fatal("Locate found a library in an empty tree")
	}
	for _, want := range []string{"not found", "fetch-onnxruntime.sh", EnvLib, filepath.Join(empty, "bin", "libonnxruntime.so.1"), "/usr/local/lib/libonnxruntime.so.1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module other\n"), 0o644)
	if _, err := ModuleRoot(dir); err == nil {
		t.Error("a go.mod of another module was taken for cxlseg's")
	}
	wd, _ := os.Getwd()
	root, err := ModuleRoot(wd)
	if err != nil || !strings.HasSuffix(wd, filepath.Join("internal", "ort")) || filepath.Join(root, "internal", "ort") != wd {
		t.Errorf("ModuleRoot(%s) = %q, %v", wd, root, err)
	}
}

// TestNotFoundShort: the one-line form names no path but the count.
func TestNotFoundShort(t *testing.T) {
	e := &NotFoundError{Tried: []string{"/a/libonnxruntime.so.1", "/b/libonnxruntime.so.1"}}
	if s := e.Short(); strings.Contains(s, "/a/") || !strings.Contains(s, "2 places") || len(s) > 160 {
		t.Errorf("Short() = %q", s)
	}
	if !strings.Contains(e.Error(), "/a/libonnxruntime.so.1, /b/libonnxruntime.so.1") {
		t.Errorf("Error() = %q", e.Error())
	}
}

// TestModulePathMatchesGoMod: the path ModuleRoot looks for is the one the
// repository's go.mod declares (a rename of the module must not silently
// stop the search for third_party/onnxruntime).
func TestModulePathMatchesGoMod(t *testing.T) {
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.HasPrefix(string(b), "module "+ModulePath+"\n") {
		t.Errorf("go.mod does not declare %s: %v", ModulePath, err)
	}
}
