// Package nn is a small neural network engine for convolutional
// segmentation networks on the CPU, in the spirit of ggml: a handful of ops,
// each with a forward and a backward pass, composed into a static Graph whose
// buffers are planned once per (model, batch, image size), so the training
// and inference loops allocate nothing.
//
// # Layout
//
// Every activation is float32 in NCHW order: image n, channel c, row y,
// column x is at ((n*C+c)*H+y)*W+x. Weights follow PyTorch: convolution
// weights OIHW, transposed convolution weights IOHW. Parameters live in a
// Store: one flat slice with named views (Param), so an optimiser runs over a
// single vector and gradients of several workers reduce with one loop.
//
// # Convolutions
//
// 3x3 and 7x7 convolutions (stride 1, same padding) lower each image to a
// column matrix (im2col) a few output rows at a time, so the columns are
// still in cache when sgemm reads them, and multiply by the weight matrix;
// 1x1 convolutions multiply directly. The input gradient is the "full"
// convolution of the output gradient with the flipped kernels (im2col of
// dy, no scatter-add). Bias and ReLU are applied per tile. The 3x3 stride-2 transposed convolution
// (PyTorch ConvTranspose2d(k=3, s=2, p=1, output_padding=1)) is the adjoint:
// sgemm to columns, then col2im with stride 2.
//
// # Threads and determinism
//
// An Engine owns T worker goroutines. Ops run images (or channels) in
// parallel with a static partition, and sgemm itself runs single-threaded
// inside each worker, so no BLAS thread pool competes with the workers.
// Weight gradients are accumulated per worker and reduced in worker order;
// batch-norm statistics and losses reduce per channel in a fixed order in
// float64. The same inputs, seed and thread count therefore give bit-identical
// results.
//
// # GEMM
//
// Gemm is the one matrix-multiply interface. NewGemm("auto") loads OpenBLAS
// at run time with dlopen("libopenblas.so.0") when built with cgo and the
// library is present, and otherwise uses the pure-Go blocked sgemm
// (BLIS-style packing; an AVX-512 assembly micro-kernel from package
// nn/simd where the CPU has it, a scalar Go kernel elsewhere; row-major B
// is read in place and long A*B^T products use dot-product kernels).
// OpenBLAS 0.3.21 mis-detects AMD EPYC CPUs with AVX-512 as Haswell; on
// CPUs with avx512f the loader sets OPENBLAS_CORETYPE=SkylakeX before
// dlopen unless the user already set it (1.3-1.9x faster on these shapes),
// and OPENBLAS_NUM_THREADS=1 unless set, because the engine runs its own
// workers. Gemm.Name reports which implementation runs.
package nn
