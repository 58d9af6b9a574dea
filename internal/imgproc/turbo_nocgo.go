//go:build !cgo

package imgproc

import "image"

// turbo is empty without cgo: libjpeg-turbo cannot be called.
type turbo struct{}

// openTurbo always fails without cgo.
func openTurbo(string) (*turbo, string) {
	return nil, "built without cgo (CGO_ENABLED=0): using Go's image/jpeg"
}

// decodeTurbo is never called without cgo (d.turbo is always nil).
func (d *Decoder) decodeTurbo(data []byte) (*image.Gray, error) {
	return d.decodeGo(data)
}
