package builder

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkOutside refuses an output folder that is, contains or lies inside
// one of the input trees (the MIMIC root, the reports folder or zip): the
// build writes files/pXX/... under --out, which could replace originals.
// Paths are compared after making them absolute and resolving symbolic
// links (of the longest existing prefix), so a link cannot hide the overlap.
func checkOutside(out string, inputs map[string]string) error {
	o, err := canonical(out)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", out, err)
	}
	for flag, in := range inputs {
		if in == "" {
			continue
		}
		p, err := canonical(in)
		if err != nil {
			return fmt.Errorf("%s %s: %w", flag, in, err)
		}
		switch {
		case o == p:
			return fmt.Errorf("--out %s is the same folder as %s %s: the build would write over the inputs; choose an output folder outside the input trees", out, flag, in)
		case within(o, p):
			return fmt.Errorf("--out %s lies inside %s %s: choose an output folder outside the input trees", out, flag, in)
		case within(p, o):
			return fmt.Errorf("--out %s contains %s %s: choose an output folder outside the input trees", out, flag, in)
		}
	}
	return nil
}

// within reports whether path lies strictly inside dir (both canonical).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// canonical returns path made absolute with the symbolic links of its
// longest existing prefix resolved (the rest need not exist yet).
func canonical(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for p := abs; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest), nil
		} else if !os.IsNotExist(err) {
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
