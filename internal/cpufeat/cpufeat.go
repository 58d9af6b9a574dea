// Package cpufeat tells which x86 vector extensions the CPU has and the
// operating system enables, for the packages with assembly kernels (the
// engine's sgemm in nn/simd, the image resize in imgproc/simd). Off amd64,
// or built with -tags purego, every answer is false and only Go code runs.
package cpufeat
