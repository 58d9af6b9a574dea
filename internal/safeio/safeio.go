// Package safeio opens input files defensively: regular files only (a FIFO,
// a device or a socket would block a build or feed it without end) and no
// more bytes than a stated limit, so hostile or mistaken inputs give a
// clear error instead of a hang or an out-of-memory crash.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Limits of the readers that use this package.
const (
	// MaxImageBytes bounds one X-ray file (MIMIC's originals are 0.5-1.5 MB).
	MaxImageBytes = 256 << 20
	// MaxReportBytes bounds one report text (MIMIC's are a few kB).
	MaxReportBytes = 1 << 20
)

// ErrNotRegular is returned for a path that is not a regular file (after
// following symbolic links).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file over the caller's limit.
var ErrTooLarge = errors.New("file too large")

// Open opens path for reading if it is a regular file. The check happens
// before the open, since opening a FIFO for reading blocks until a writer
// comes; the file is checked again after the open, in case it was swapped.
func Open(path string) (*os.File, error) {
	f, _, err := open(path)
	return f, err
}

// open is Open, also returning the opened file's information.
func open(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, st.Mode().Type())
		}
		return nil, nil, err
	}
	return f, st, nil
}

// ReadInto reads the regular file path into buf's storage (grown when
// needed) and returns the bytes, refusing files over limit bytes.
func ReadInto(path string, buf []byte, limit int64) ([]byte, error) {
	f, st, err := open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %w: %d bytes, the limit is %d", path, ErrTooLarge, st.Size(), limit)
	}
	n := int(st.Size())
	if cap(buf) < n+1 {
		buf = make([]byte, n+n/8+1)
	}
	buf = buf[:cap(buf)]
	m, err := io.ReadFull(f, buf[:n+1])
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return buf[:m], nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// The file grew while reading: read the rest, within the limit.
	rest, err := io.ReadAll(io.LimitReader(f, limit-int64(m)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(m+len(rest)) > limit {
		return nil, fmt.Errorf("%s: %w: grew past %d bytes while read", path, ErrTooLarge, limit)
	}
	return append(buf[:m], rest...), nil
}

// Resolve returns path made absolute with every symbolic link resolved,
// for Inside's root: resolve a tree's root once, not per file.
func Resolve(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	return filepath.Abs(real)
}

// Inside reports whether path, with every symbolic link resolved, lies
// within root, which Resolve has already resolved.
func Inside(path, root string) (bool, error) {
	real, err := Resolve(path)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(root, real)
	if err != nil {
		return false, nil
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)), nil
}
