package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errFill is what the failing fill returns; the caller must see it.
var errFill = errors.New("fill failed")

func TestWrite(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 3*bufSize/16+7) // spans several buffers
	tests := []struct {
		name     string
		old      string // existing content of the target; "" means none
		perm     os.FileMode
		fill     func(w io.Writer) error
		want     string // content of the target afterwards; "" means absent
		wantErr  error  // errors.Is target; nil means success
		bytesAPI bool   // use WriteFile with []byte(want) instead of fill
	}{
		{name: "new file", perm: 0o644, want: "a,b\n1,2\n",
			fill: func(w io.Writer) error { _, err := io.WriteString(w, "a,b\n1,2\n"); return err }},
		{name: "replace", old: "old", perm: 0o600, want: "new",
			fill: func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }},
		{name: "large", perm: 0o644, want: big,
			fill: func(w io.Writer) error { _, err := io.WriteString(w, big); return err }},
		{name: "empty", perm: 0o644, want: "",
			fill: func(w io.Writer) error { return nil }},
		{name: "failing fill, no target", perm: 0o644, wantErr: errFill,
			fill: func(w io.Writer) error { io.WriteString(w, "partial"); return errFill }},
		{name: "failing fill keeps target", old: "keep me", perm: 0o644, want: "keep me", wantErr: errFill,
			fill: func(w io.Writer) error { io.WriteString(w, big); return errFill }},
		{name: "WriteFile", perm: 0o640, want: "bytes\n", bytesAPI: true},
		{name: "WriteFile replace", old: "x", perm: 0o644, want: big, bytesAPI: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if tc.old != "" {
				if err := os.WriteFile(path, []byte(tc.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			if tc.bytesAPI {
				err = WriteFile(path, []byte(tc.want), tc.perm)
			} else {
				err = Write(path, tc.perm, tc.fill)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name %s", err, path)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tc.wantErr != nil && tc.old == "":
				if !errors.Is(rerr, os.ErrNotExist) {
					t.Errorf("target exists after a failed write (read err %v)", rerr)
				}
			case rerr != nil:
				t.Fatal(rerr)
			case string(got) != tc.want:
				t.Errorf("content = %.40q (%d bytes), want %.40q (%d bytes)", got, len(got), tc.want, len(tc.want))
			}
			if tc.wantErr == nil {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != tc.perm {
					t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tc.perm)
				}
			}
			assertOnly(t, dir, tc.want != "" || tc.old != "" || tc.wantErr == nil)
		})
	}
}

// assertOnly checks that dir holds the target (when want) and nothing else:
// no temporary file is left behind.
func assertOnly(t *testing.T, dir string, want bool) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	n := 0
	if want {
		n = 1
	}
	if len(names) != n || (want && names[0] != "out.csv") {
		t.Errorf("folder holds %q, want only out.csv: %v", names, want)
	}
}

// TestUnwritable covers paths the temporary file cannot be made in: a
// read-only folder and a missing one. The error names the path and the
// folder is left as it was.
func TestUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("skipping: root can write into a read-only folder")
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	tests := []struct {
		name string
		path string
	}{
		{"read-only folder", filepath.Join(ro, "out.csv")},
		{"missing folder", filepath.Join(t.TempDir(), "missing", "out.csv")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			err := Write(tc.path, 0o644, func(w io.Writer) error { called = true; return nil })
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
			if called {
				t.Error("fill ran although the temporary file could not be made")
			}
			if err := WriteFile(tc.path, []byte("x"), 0o644); err == nil {
				t.Error("WriteFile: no error")
			}
			if _, err := os.Stat(tc.path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("target exists: %v", err)
			}
		})
	}
	if ents, _ := os.ReadDir(ro); len(ents) != 0 {
		t.Errorf("read-only folder not empty: %d entries", len(ents))
	}
}

// TestTargetIsFolder: the rename fails when the target is a non-empty
// folder; the temporary file must not stay behind.
func TestTargetIsFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("data"), 0o644); err == nil {
		t.Fatal("no error renaming over a folder")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || !ents[0].IsDir() {
		t.Errorf("folder holds %d entries after a failed rename, want only the target folder", len(ents))
	}
}

func BenchmarkWrite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "out.csv")
	row := []byte("s50414267,p10000032,02aa804e-bde0afdd-112c0b34-7bc16630-4e384014\n")
	b.ReportAllocs()
	for b.Loop() {
		err := Write(path, 0o644, func(w io.Writer) error {
			for range 1000 {
				if _, err := w.Write(row); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteFileNoSync: same result and mode as WriteFile, no temporary
// file left.
func TestWriteFileNoSync(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.jpg")
	if err := WriteFileNoSync(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileNoSync(p, []byte("two"), 0o640); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	ents, _ := os.ReadDir(dir)
	if string(b) != "two" || st.Mode().Perm() != 0o640 || len(ents) != 1 {
		t.Errorf("content %q, mode %v, %d entries", b, st.Mode().Perm(), len(ents))
	}
}
