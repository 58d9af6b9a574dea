package mimic

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"
)

// ImageIndex answers whether an image exists in a MIMIC tree, by its
// relative slash path (files/pXX/.../DICOM.jpg).
type ImageIndex interface {
	// Check returns nil when the image exists, an error wrapping
	// ErrNotFound when it does not, or another error when it could not
	// tell.
	Check(rel string) error
}

// ErrNotListed is returned by ImageSet.Check for a path IMAGE_FILENAMES does
// not list (whether or not the file is on disk: the list is the tree's
// table of contents). It wraps ErrNotFound.
var ErrNotListed = fmt.Errorf("not listed: %w", ErrNotFound)

// ImageSet is the set of relative image paths listed in IMAGE_FILENAMES.
// Using it avoids a stat per image on slow (network) file systems.
type ImageSet struct {
	path  string
	paths map[string]struct{}
}

// ReadImageFilenames reads an IMAGE_FILENAMES list (plain or gzip): one
// relative path per line; blank lines are skipped, a leading "./" and
// surrounding spaces are ignored, and backslashes are taken as slashes.
func ReadImageFilenames(path string) (*ImageSet, error) {
	rc, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := &ImageSet{path: path, paths: make(map[string]struct{})}
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		p := strings.TrimSpace(sc.Text())
		if p == "" {
			continue
		}
		p = strings.TrimPrefix(strings.ReplaceAll(p, `\`, "/"), "./")
		s.paths[p] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: after line %d: %w", path, line, err)
	}
	return s, nil
}

// Len returns the number of listed paths.
func (s *ImageSet) Len() int { return len(s.paths) }

// Check reports whether rel is listed.
func (s *ImageSet) Check(rel string) error {
	if _, ok := s.paths[rel]; ok {
		return nil
	}
	return fmt.Errorf("%s not listed in %s: %w", rel, filepath.Base(s.path), ErrNotListed)
}

// StatIndex checks images by stat-ing them under Root.
type StatIndex struct{ Root string }

// Check reports whether Root/rel is a regular file.
func (s StatIndex) Check(rel string) error {
	p := filepath.Join(s.Root, filepath.FromSlash(rel))
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", p, ErrNotFound)
		}
		return fmt.Errorf("stat %s: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s): %w", rel, st.Mode().Type(), safeio.ErrNotRegular)
	}
	return nil
}
