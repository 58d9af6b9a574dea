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
// Where the CPU has AVX-512 (and the build is not purego), the forward
// pass of every 3x3 convolution with output channels in groups of 8 runs
// on a direct kernel (package nn/simd, Conv3x3x8x32) instead of im2col +
// sgemm; with AVX2 and FMA only, on its 4-channel by 24-pixel counterpart
// (Conv3x3x4x24, which masks by ANDing instead of with opmask registers).
// A worker copies a band of input rows, with the rows above and below it,
// into scratch: one contiguous copy per channel, where im2col makes nine
// (the copy also keeps the channel planes of 224 x 224 images, 4 KB
// multiples apart, from thrashing L1). The kernel then computes 8 output
// channels by 32 pixels (or 4 by 24) at a time straight from the copy:
// the nine taps are fixed offsets, masks zero the neighbours across the
// left and right borders, and pixel blocks run across row ends, so narrow
// rows leave no lanes idle. Bias and the fused ReLU are applied in
// registers before the single store, so no pass over the output follows.
// Weights are repacked (a group of output channels side by side) at each
// Forward. Inference graphs read a concatenated input straight from its
// two tensors (ConvReLUCat), so the decoder's concatenations are never
// written out.
//
// With AVX-512, the 3x3 stride-2 transposed convolution (PyTorch
// ConvTranspose2d(k=3, s=2, p=1, output_padding=1)) with output channels
// in groups of 4 has a direct kernel too (ConvT3x3s2x4x64): each output
// row is computed as its even and odd columns (1 and 2 taps per input
// row), interleaved in registers before the store; and inference max
// pooling runs a vector kernel (training keeps the Go loop, which records
// the argmax).
//
// The direct kernels sum in a different order than sgemm: their results
// match the sgemm paths within 1e-5 of the output's scale (tests compare
// them) and do not depend on the thread count. Training graphs use them
// for their forward pass too, and for a 3x3 convolution's input gradient
// (the "full" convolution of dy with the flipped kernels, a direct
// convolution of its own) when the input channels come in the kernel's
// groups and no other reader adds to that gradient.
//
// Elsewhere (no AVX2, purego builds, other channel counts, 7x7 and 1x1
// kernels, weight gradients), 3x3 and 7x7 convolutions (stride 1, same
// padding) lower each image to a column matrix (im2col) a few output rows
// at a time, so the columns are still in cache when sgemm reads them, and
// multiply by the weight matrix; 1x1 convolutions multiply directly. The
// input gradient is the full convolution above as im2col of dy and sgemm
// (no scatter-add). Bias and ReLU are applied per tile. The transposed
// convolution is the adjoint: sgemm to columns, then col2im with stride
// 2.
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
