package builder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/segment"
)

func TestCheckOutside(t *testing.T) {
	root := t.TempDir()
	mimic := filepath.Join(root, "mimic")
	os.MkdirAll(filepath.Join(mimic, "files"), 0o755)
	link := filepath.Join(root, "link")
	if err := os.Symlink(mimic, link); err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(root, "reports.zip")
	os.WriteFile(zip, []byte("PK"), 0o644)
	for _, tc := range []struct {
		out, want string
	}{
		{mimic, "same folder"},
		{mimic + "/", "same folder"},
		{link, "same folder"},
		{filepath.Join(mimic, "files", "new"), "lies inside"},
		{filepath.Join(link, "out"), "lies inside"},
		{root, "contains"},
		{filepath.Join(root, "out"), ""},
		{filepath.Join(root, "mimic2"), ""},
		{zip, "same folder"},
	} {
		err := checkOutside(tc.out, map[string]string{"--mimic": mimic, "--reports": zip})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("out %s: %v", tc.out, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("out %s: %v, want %q", tc.out, err, tc.want)
		}
	}
}

// TestOptionRanges: out-of-range numbers are refused with the field named.
func TestOptionRanges(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*Options)
		want string
	}{
		{func(o *Options) { o.Batch = 5000 }, "Options.Batch 5000"},
		{func(o *Options) { o.Truncated = "maybe" }, `Options.Truncated "maybe"`},
		{func(o *Options) { o.Batch = -1 }, "Options.Batch -1"},
		{func(o *Options) { o.Threads = -2 }, "Options.Threads -2"},
		{func(o *Options) { o.Workers = -1 }, "Options.Workers -1"},
	} {
		o := Defaults()
		o.Mimic, o.Out = "m", "o"
		tc.mod(&o)
		if err := o.check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("check: %v, want %q", err, tc.want)
		}
	}
	o := Defaults()
	o.Mimic, o.Out, o.Batch = "m", "o", 0
	if err := o.check(); err != nil || o.Batch != Defaults().Batch {
		t.Errorf("batch 0 (library default): %v, batch %d", err, o.Batch)
	}
}

// TestFailedStartLeavesNoState: a build that fails before its first image
// (here: the backend cannot open) leaves no lock and no empty state
// folders.
func TestFailedStartLeavesNoState(t *testing.T) {
	dir := t.TempDir()
	root, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "out")
	writeMiniMimic(t, root, 3, nil)
	o := testOptions(root, out, 0)
	o.OpenBackend = func(*Options) (segment.Backend, BackendInfo, error) {
		return nil, BackendInfo{}, errors.New("no backend here")
	}
	if _, err := Run(context.Background(), o); err == nil {
		t.Fatal("build without a backend succeeded")
	}
	if _, err := os.Stat(filepath.Join(out, StateDir)); !os.IsNotExist(err) {
		ents, _ := filepath.Glob(filepath.Join(out, StateDir, "*", "*"))
		t.Errorf("state left after a failed start: %v", ents)
	}
}
