package backend

import (
	"flag"
	"fmt"
	"strings"
)

// RegisterFlags adds the backend choice flags shared by the commands that
// run the network (--backend, --ort-lib, --cuda, --precision, --calibrate),
// bound to c; c's Kind and Precision are the defaults shown. Threads,
// batch and the model path stay with each command, whose defaults differ.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	if c.Kind == "" {
		c.Kind = Auto
	}
	fs.StringVar(&c.Kind, "backend", c.Kind, "inference backend: "+strings.Join(Kinds(), "|")+
		" (auto = ONNX Runtime when its library loads, else the native engine)")
	fs.StringVar(&c.ORTLib, "ort-lib", c.ORTLib, fmt.Sprintf(
		"ONNX Runtime library (default: $%s, $%s, third_party/onnxruntime/, system paths)", "CXLSEG_ORT_LIB", "ONNXRUNTIME_SHARED_LIBRARY_PATH"))
	fs.BoolVar(&c.CUDA, "cuda", c.CUDA, "run ONNX Runtime on CUDA (needs a GPU build of ONNX Runtime)")
	if c.Precision == "" {
		c.Precision = PrecisionAuto
	}
	fs.StringVar(&c.Precision, "precision", c.Precision, "ONNX Runtime arithmetic: "+strings.Join(Precisions(), "|")+
		" (int8: ONNX Runtime only; auto = int8 where activation ranges exist for the model, else fp32)")
	fs.StringVar(&c.Calibrate, "calibrate", c.Calibrate, "int8 activation ranges for --model weights: a folder of training X-rays with lung masks to measure them on, or a calibration .json")
}
