package backend

import (
	"flag"
	"fmt"
	"strings"
)

// RegisterFlags adds the backend choice flags shared by the commands that
// run the network (--backend, --ort-lib, --cuda), bound to c. Threads,
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
}
