package imgproc

import (
	"errors"
	"fmt"
)

// ErrCorrupt is wrapped by every decode error caused by the bytes of the
// file (truncated beyond recovery, bad markers, bad Huffman data, ...).
// Test with errors.Is(err, ErrCorrupt).
var ErrCorrupt = errors.New("corrupt JPEG")

// ErrUnsupported is wrapped by decode errors for valid JPEGs that neither
// decoder handles (for example 12-bit samples, arithmetic coding in Go's
// image/jpeg, or an image larger than MaxPixels).
var ErrUnsupported = errors.New("unsupported JPEG")

// DecodeError describes a failed decode. It wraps ErrCorrupt or
// ErrUnsupported (Kind) and the decoder's own error, if any.
type DecodeError struct {
	Decoder string // "turbojpeg" or "go"
	Kind    error  // ErrCorrupt or ErrUnsupported
	Msg     string // the decoder's message
	Err     error  // the underlying Go error, may be nil
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%v (%s decoder): %s", e.Kind, e.Decoder, e.Msg)
}

// Unwrap lets errors.Is see both the kind and the underlying error.
func (e *DecodeError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// WarningError is returned together with a usable image when libjpeg
// recovered from a problem, typically "premature end of data segment": the
// missing part of a truncated file is filled with mid-gray. A caller with a
// "keep" policy uses the image; one with a "skip" policy treats the error
// like any other. Test with errors.As(err, new(*WarningError)) or IsWarning.
type WarningError struct {
	Decoder string // "turbojpeg"
	Msg     string // libjpeg's warning text
}

// Error implements error.
func (e *WarningError) Error() string {
	return fmt.Sprintf("JPEG warning (%s decoder): %s", e.Decoder, e.Msg)
}

// IsWarning reports whether err is (or wraps) a *WarningError, in which
// case the image returned alongside it is valid.
func IsWarning(err error) bool {
	var w *WarningError
	return errors.As(err, &w)
}
