//go:build !amd64 || purego

package nn

// simdKernel reports that this architecture has no assembly kernel.
func simdKernel() (microKernel, int, int, string) { return nil, 0, 0, "" }

// simdDot reports that this architecture has no assembly kernel.
func simdDot() dotKernel { return nil }

// avx2Kernel does not exist on this architecture.
func avx2Kernel() microKernel { return nil }

// simdConv3x3 reports that this architecture has no direct convolution
// kernel.
func simdConv3x3() *conv3x3Kernel { return nil }

// convKernels lists no direct convolution kernels: this architecture has
// none.
func convKernels() []*conv3x3Kernel { return nil }

// simdConvT3x3s2 reports that this architecture has no direct transposed
// convolution kernel.
func simdConvT3x3s2() convTKernel { return nil }

// simdMaxPoolRow reports that this architecture has no pooling kernel.
func simdMaxPoolRow() func(r0, r1, dst []float32) { return nil }
