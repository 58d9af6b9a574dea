//go:build !amd64

package nn

// simdKernel reports that this architecture has no assembly kernel.
func simdKernel() (microKernel, string) { return nil, "" }

// simdDot reports that this architecture has no assembly kernel.
func simdDot() dotKernel { return nil }
