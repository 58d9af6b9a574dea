//go:build unix

package testenv

import (
	"syscall"
	"time"
)

// CPUTime returns the process's user+system CPU time, which, unlike wall
// time, barely changes when the machine is shared with other jobs; 0 when
// it cannot be read.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
