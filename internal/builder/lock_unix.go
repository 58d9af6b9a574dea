//go:build unix

package builder

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive lock on dir/lock so two processes never run
// the same shard into one journal (a Slurm requeue racing the original,
// say). The kernel drops the lock when the process dies, even by SIGKILL,
// so a killed run never leaves a stale lock. unlock removes the file while
// still holding the lock (a process that opened it meanwhile fails its
// non-blocking lock and says so), so a finished or failed run leaves none.
func lockDir(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: another cxlseg build is running on this shard (%w)", path, err)
	}
	return func() {
		os.Remove(path)
		f.Close()
	}, nil
}
