package imgproc

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the project's shared data directory, which lives next
// to the module root (../shared relative to the directory holding go.mod),
// or skips the test when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("shared data not found at %s (expected ../shared next to the module root)", shared)
	}
	return shared
}
