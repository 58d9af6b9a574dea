package weights

import _ "embed"

// CalibrationFile is the file, in this package's folder, holding the
// activation ranges of Default() for its int8 graph (onnx.Calibration as
// JSON): measured on lungseg training images, never test ones, and tied
// to the weights by their SHA-256, so that `cxlseg build --precision int8`
// works without the user's having any calibration data. Replacing
// default.safetensors means regenerating it:
//
//go:generate go run ../../cmd/cxlseg export-onnx --precision int8 --calibrate ../../../shared/data/lungseg --save-calibration default.int8.json
const CalibrationFile = "default.int8.json"

//go:embed default.int8.json
var defaultCalibration []byte

// DefaultCalibration returns the embedded calibration file's bytes. The
// slice is shared: callers must not modify it.
func DefaultCalibration() []byte { return defaultCalibration }
