package mimic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Files are the CSVs and lists of a MIMIC-CXR-JPG tree. Empty paths mean
// the file was not found (only Metadata is required).
type Files struct {
	// Root is the folder the image paths (files/pXX/...) are relative to:
	// the folder given to Locate when it holds files/, else the metadata
	// CSV's folder when that one does (PhysioNet's download keeps the CSVs
	// next to files/ in physionet.org/files/mimic-cxr-jpg/2.0.0), else the
	// folder given.
	Root           string
	Metadata       string
	Split          string
	CheXpert       string
	NegBio         string
	ImageFilenames string
}

// maxLocateDepth bounds the folders searched below the root: the CSVs sit
// at the top of the tree, or under physionet.org/files/mimic-cxr-jpg/2.0.0
// after a wget of PhysioNet (three folders down). Patient folders (p10,
// p10000032, ...) are never entered, so the image tree is not walked.
const maxLocateDepth = 4

// Locate finds the MIMIC-CXR-JPG files under root by name, each either
// plain or with .gz. The root itself is searched first, then folders down
// to depth 4 (skipping patient folders and hidden ones); the shallowest match
// wins, then the lexically first, then the plain name over .gz. It fails
// only when the metadata CSV is absent.
func Locate(root string) (Files, error) {
	st, err := os.Stat(root)
	if err != nil {
		return Files{}, fmt.Errorf("locate MIMIC files: %w", err)
	}
	if !st.IsDir() {
		return Files{}, fmt.Errorf("locate MIMIC files: %s is not a folder", root)
	}
	// WalkDir does not enter a root that is a symbolic link (a common way to
	// point at a shared MIMIC copy): walk the folder it names instead.
	if lst, err := os.Lstat(root); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		if root, err = filepath.EvalSymlinks(root); err != nil {
			return Files{}, fmt.Errorf("locate MIMIC files: %w", err)
		}
	}
	wanted := map[string]string{}
	for _, n := range []string{MetadataName, SplitName, CheXpertName, NegBioName, ImageFilenamesName} {
		wanted[n] = n
		wanted[n+".gz"] = n
	}
	type hit struct {
		depth int
		path  string
		gz    bool
	}
	best := map[string]hit{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // an unreadable subfolder does not hide the rest
		}
		rel, _ := filepath.Rel(root, p)
		depth := 0
		if rel != "." {
			depth = strings.Count(filepath.ToSlash(rel), "/") + 1
		}
		if d.IsDir() {
			if p != root && (isPatientDir(d.Name()) || strings.HasPrefix(d.Name(), ".") || depth > maxLocateDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		base, ok := wanted[d.Name()]
		if !ok {
			return nil
		}
		h := hit{depth: depth, path: p, gz: strings.HasSuffix(d.Name(), ".gz")}
		if old, ok := best[base]; !ok || better(h.depth, h.path, h.gz, old.depth, old.path, old.gz) {
			best[base] = h
		}
		return nil
	})
	if err != nil {
		return Files{}, fmt.Errorf("locate MIMIC files under %s: %w", root, err)
	}
	f := Files{Root: root, Metadata: best[MetadataName].path, Split: best[SplitName].path,
		CheXpert: best[CheXpertName].path, NegBio: best[NegBioName].path, ImageFilenames: best[ImageFilenamesName].path}
	if f.Metadata == "" {
		return f, fmt.Errorf("locate MIMIC files: no %s or %s.gz under %s", MetadataName, MetadataName, root)
	}
	if !isDir(filepath.Join(root, "files")) && isDir(filepath.Join(filepath.Dir(f.Metadata), "files")) {
		f.Root = filepath.Dir(f.Metadata)
	}
	return f, nil
}

// better orders candidate files: shallower, then plain before .gz in the
// same folder, then lexically smaller path.
func better(d1 int, p1 string, gz1 bool, d2 int, p2 string, gz2 bool) bool {
	if d1 != d2 {
		return d1 < d2
	}
	if filepath.Dir(p1) == filepath.Dir(p2) && gz1 != gz2 {
		return !gz1
	}
	return p1 < p2
}

// ErrNotFound is wrapped by lookups of a file or report that does not exist.
var ErrNotFound = errors.New("not found")

// isPatientDir reports whether name is a MIMIC patient folder: p followed
// by digits (p10 ... p19 and p10000032 alike).
func isPatientDir(name string) bool {
	if len(name) < 2 || name[0] != 'p' {
		return false
	}
	for i := 1; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return false
		}
	}
	return true
}

// isDir reports whether p is a folder.
func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
