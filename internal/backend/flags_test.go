package backend

import (
	"flag"
	"io"
	"testing"
)

func TestRegisterFlags(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.RegisterFlags(fs)
	if c.Kind != Auto {
		t.Errorf("default kind %q, want auto", c.Kind)
	}
	if err := fs.Parse([]string{"--backend", "onnxruntime", "--ort-lib", "/x.so", "--cuda"}); err != nil {
		t.Fatal(err)
	}
	if c.Kind != ONNXRuntime || c.ORTLib != "/x.so" || !c.CUDA {
		t.Errorf("parsed %+v", c)
	}
}
