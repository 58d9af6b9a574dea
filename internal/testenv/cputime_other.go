//go:build !unix

package testenv

import "time"

// CPUTime is unknown on this platform: it returns 0, and benchmarks then
// report 0 CPU time.
func CPUTime() time.Duration { return 0 }
