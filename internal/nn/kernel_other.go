//go:build !amd64 || purego

package nn

// simdKernel reports that this architecture has no assembly kernel.
func simdKernel() (microKernel, int, int, string) { return nil, 0, 0, "" }

// simdDot reports that this architecture has no assembly kernel.
func simdDot() dotKernel { return nil }

// avx2Kernel does not exist on this architecture.
func avx2Kernel() microKernel { return nil }
