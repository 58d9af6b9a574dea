package builder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/cxlseg/cxlseg/internal/atomicfile"
)

// fileWriter writes whole files. The build's outputs go through it so tests
// can simulate a full disk or an unwritable directory.
type fileWriter interface {
	WriteFile(path string, data []byte) error
}

// atomicWriter writes each file to a temporary name in the same directory
// and renames it into place, so a reader (or a resumed run) sees either the
// old file or the complete new one, never a partial one. It does not fsync
// each file: the journal line comes after the rename, and a resumed run
// checks every output it skips, so a file lost to a power failure is
// simply redone.
type atomicWriter struct{}

func (atomicWriter) WriteFile(path string, data []byte) error {
	return writeFileAtomic(path, data)
}

// writeFileAtomic writes data to path atomically (atomicfile, without a
// per-file fsync), creating the directory when needed.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return atomicfile.WriteFileNoSync(path, data, 0o644)
}

// errDiskFull marks a write that failed for lack of space; the build stops
// (resumable) rather than excluding every later image.
var errDiskFull = errors.New("disk full")

// isDiskFull reports whether err means no space or quota is left.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, errDiskFull)
}

// isNotWritable reports whether err means the destination refuses writes
// (permissions, read-only file system): that image is excluded and the
// build goes on.
func isNotWritable(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// removeTemps deletes temporary files that writeFileAtomic left for path
// when its process was killed between create and rename.
func removeTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".tmp*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// globEscape quotes the glob metacharacters of a file name.
func globEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
