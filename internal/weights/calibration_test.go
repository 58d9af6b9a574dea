package weights

import (
	"testing"

	"github.com/cxlseg/cxlseg/internal/onnx"
)

// TestCalibrationMatchesDefault fails as soon as default.safetensors
// changes without its int8 calibration being regenerated (see
// CalibrationFile for the command).
func TestCalibrationMatchesDefault(t *testing.T) {
	c, err := onnx.ReadCalibration(DefaultCalibration())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckWeights(SHA256(), "run `go generate ./internal/weights`"); err != nil {
		t.Error(err)
	}
	m, err := Metadata()
	if err != nil {
		t.Fatal(err)
	}
	if c.Arch != m["architecture"] || len(c.Ranges) == 0 {
		t.Errorf("calibration for %s with %d ranges; weights are %s", c.Arch, len(c.Ranges), m["architecture"])
	}
}
