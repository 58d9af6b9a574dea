//go:build !cgo

package nn

import "errors"

// loadOpenBLAS reports that OpenBLAS needs cgo: this build has none.
func loadOpenBLAS() (Gemm, error) {
	return nil, errors.New("built without cgo (CGO_ENABLED=0)")
}
