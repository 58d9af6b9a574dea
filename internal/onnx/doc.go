// Package onnx exports cxlseg's lung segmentation networks as ONNX models
// from their safetensors weights (PyTorch state_dict names, see
// ../shared/bench/ref_saunet.py), so ONNX Runtime and Python users can run
// them.
//
// The exported graph is the network in inference mode: DropBlock is the
// identity, and each BatchNorm's running statistics are folded into the
// preceding convolution, so the graph holds only Conv, ConvTranspose,
// MaxPool, Concat, ReduceMean, ReduceMax, Resize, Add, Relu, Sigmoid and
// Mul (opset 13). Its input "image" is [N,1,H,W] float32 preprocessed as
// recorded in the "preprocessing" metadata property (package preprocess); its output "prob" is [N,1,H,W] lung
// probabilities (the sigmoid is part of the graph). N is dynamic.
//
// Options.Precision "int8" writes the same network as a QDQ graph
// (Quantize, quant.go): int8 convolutions with per-channel weight scales
// and uint8 activations whose ranges come from a Calibration measured on
// real images; input and output stay float32, and the metadata records
// the precision and the calibration's method, image count and source.
package onnx
