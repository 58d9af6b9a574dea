// Package atomicfile writes files so that a reader sees either the old
// content or the complete new content, never a half-written file: the data
// goes to a temporary file in the target's folder (same file system, so the
// rename is atomic), which is flushed, synced, closed, given its mode and
// renamed over the target. On any error the temporary file is removed and
// the target is left as it was.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// bufSize is the buffer Write puts in front of the temporary file: large
// enough that row-by-row CSV writers make few system calls.
const bufSize = 1 << 16

// WriteFile writes data to path atomically with mode perm (applied exactly,
// not filtered by the umask, as the temporary file is chmod-ed).
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return write(path, perm, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// WriteFileNoSync is WriteFile without the fsync before the rename, for
// callers that can redo a file a power failure lost (the build checks
// every output it resumes): the rename is still atomic for readers and for
// a killed process.
func WriteFileNoSync(path string, data []byte, perm os.FileMode) error {
	return writeOpt(path, perm, false, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// Write writes path atomically with mode perm through fill, which gets a
// buffered writer; it is flushed after fill returns. An error from fill
// aborts the write, leaving the target untouched, and is returned wrapped
// with the path.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, bufSize)
		if err := fill(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// write does the temporary-file dance around fill. Errors read
// "write PATH: ...", as the rest of the project words them.
func write(path string, perm os.FileMode, fill func(f *os.File) error) error {
	return writeOpt(path, perm, true, fill)
}

// writeOpt is write, with the fsync optional.
func writeOpt(path string, perm os.FileMode, sync bool, fill func(f *os.File) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close() // may already be closed; the error is the first one
			os.Remove(f.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	// Sync before the rename so that a crash cannot leave an empty or short
	// file under the final name.
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	// CreateTemp makes the file 0600; give it the mode asked for.
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
