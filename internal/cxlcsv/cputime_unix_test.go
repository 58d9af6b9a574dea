//go:build unix

package cxlcsv

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user+system CPU time, which, unlike wall
// time, barely changes when the machine is shared with other jobs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
