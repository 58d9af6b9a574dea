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
package onnx
