package imgproc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strings"
)

// DefaultMaxPixels is the default bound on the image size a Decoder
// accepts (width*height), so a forged header cannot make it allocate and
// fill gigabytes. MIMIC originals have about 7.8 M pixels, the largest
// about 15 M.
const DefaultMaxPixels = 40 << 20

// maxScans is the most scans a file may have (libjpeg-turbo's limit).
const maxScans = 500

// Decoder names, as reported by (*Decoder).Name.
const (
	DecoderTurbo = "turbojpeg" // libjpeg-turbo loaded at run time
	DecoderGo    = "go"        // Go's image/jpeg
)

// Decoder decodes JPEG files to 8-bit gray. It uses libjpeg-turbo's
// TurboJPEG API when libturbojpeg.so.0 loads at run time (cgo builds) and
// Go's image/jpeg otherwise; Name says which.
//
// The returned image is compact (Stride == width, Rect at the origin),
// owned by the Decoder and overwritten by the next Decode: copy it (or
// finish with it) before decoding again. With libjpeg-turbo, Decode
// allocates nothing once its buffer has grown to the largest image seen;
// Go's image/jpeg allocates each image.
type Decoder struct {
	// MaxPixels bounds width*height; larger images fail with
	// ErrUnsupported before any pixel buffer is allocated.
	MaxPixels int

	turbo  *turbo // nil when the library is absent or disabled
	reason string // why turbo is nil
	img    image.Gray
	tmp    []byte // CMYK scratch for the turbo path
}

// turboLib is the shared library NewDecoder loads.
const turboLib = "libturbojpeg.so.0"

// NewDecoder returns a Decoder that uses libjpeg-turbo when it can be
// loaded and Go's image/jpeg otherwise.
func NewDecoder() *Decoder {
	return newDecoderLib(turboLib)
}

// newDecoderLib is NewDecoder loading the TurboJPEG library lib (tests
// name a missing one to exercise the fallback).
func newDecoderLib(lib string) *Decoder {
	d := &Decoder{MaxPixels: DefaultMaxPixels}
	d.turbo, d.reason = openTurbo(lib)
	return d
}

// NewGoDecoder returns a Decoder that always uses Go's image/jpeg, for
// tests, comparisons and users who want no native code.
func NewGoDecoder() *Decoder {
	return &Decoder{MaxPixels: DefaultMaxPixels, reason: "Go decoder requested"}
}

// Name reports the decoder in use: DecoderTurbo or DecoderGo.
func (d *Decoder) Name() string {
	if d.turbo != nil {
		return DecoderTurbo
	}
	return DecoderGo
}

// Why explains the choice of decoder (for example why libjpeg-turbo could
// not be loaded), for logs and the build manifest.
func (d *Decoder) Why() string {
	if d.turbo != nil {
		return turboLib + " loaded"
	}
	return d.reason
}

// Decode decodes a JPEG file to 8-bit gray. Color images are converted
// with the JFIF luma weights (0.299, 0.587, 0.114); CMYK/YCCK images via
// RGB. On failure the error is a *DecodeError wrapping ErrCorrupt or
// ErrUnsupported. A *WarningError comes with a valid image (see
// WarningError).
func (d *Decoder) Decode(data []byte) (*image.Gray, error) {
	if d.turbo != nil {
		return d.decodeTurbo(data)
	}
	return d.decodeGo(data)
}

// gray resizes the reusable output image to w x h.
func (d *Decoder) gray(w, h int) *image.Gray {
	n := w * h
	if cap(d.img.Pix) < n {
		d.img.Pix = make([]byte, n)
	}
	d.img.Pix = d.img.Pix[:n]
	d.img.Stride = w
	d.img.Rect = image.Rect(0, 0, w, h)
	return &d.img
}

// decodeGo decodes with Go's image/jpeg and converts to gray.
func (d *Decoder) decodeGo(data []byte) (*image.Gray, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, goError(err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(d.MaxPixels) {
		return nil, &DecodeError{Decoder: DecoderGo, Kind: ErrUnsupported, Msg: "image too large"}
	}
	// Each SOS marker is a scan over the whole image: bound them as
	// libjpeg-turbo's TJFLAG_LIMITSCANS does, so a crafted progressive file
	// cannot take minutes. (0xFF 0xDA never occurs inside entropy-coded
	// data, where 0xFF is followed by 0x00 or a restart marker.)
	if n := bytes.Count(data, []byte{0xFF, 0xDA}); n > maxScans {
		return nil, &DecodeError{Decoder: DecoderGo, Kind: ErrCorrupt, Msg: fmt.Sprintf("%d scans (more than %d)", n, maxScans)}
	}
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, goError(err)
	}
	b := m.Bounds()
	switch m := m.(type) {
	case *image.Gray:
		// Copied: image/jpeg pads the stride to whole blocks, and our
		// images are compact (Stride == width) on both paths.
		g := d.gray(b.Dx(), b.Dy())
		copyGray(g, m)
		return g, nil
	case *image.YCbCr:
		// The luma plane is the gray image: libjpeg's YCbCr->gray
		// conversion also just takes Y.
		g := d.gray(b.Dx(), b.Dy())
		copyGray(g, &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect})
		return g, nil
	case *image.CMYK:
		g := d.gray(b.Dx(), b.Dy())
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[y*m.Stride:]
			out := g.Pix[y*g.Stride : y*g.Stride+b.Dx()]
			for x := range out {
				c, mm, yy, k := row[4*x], row[4*x+1], row[4*x+2], row[4*x+3]
				out[x] = cmykToGray(255-c, 255-mm, 255-yy, 255-k)
			}
		}
		return g, nil
	}
	// RGB JPEGs (Adobe transform 0) and anything else.
	g := d.gray(b.Dx(), b.Dy())
	for y := 0; y < b.Dy(); y++ {
		out := g.Pix[y*g.Stride : y*g.Stride+b.Dx()]
		for x := range out {
			out[x] = color.GrayModel.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	return g, nil
}

// cmykToGray converts inverted CMYK (as Adobe stores it and libjpeg returns
// it: 255 = no ink) to gray through RGB, like libjpeg-turbo's
// tjDecompress2 + RGB->gray would.
func cmykToGray(ic, im, iy, ik byte) byte {
	r := (int(ic)*int(ik) + 127) / 255
	g := (int(im)*int(ik) + 127) / 255
	b := (int(iy)*int(ik) + 127) / 255
	// libjpeg's fixed-point luma: 16 fraction bits, rounded.
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

// copyGray copies src into dst of the same size.
func copyGray(dst, src *image.Gray) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], src.Pix[y*src.Stride:y*src.Stride+w])
	}
}

// goError classifies an image/jpeg error.
func goError(err error) error {
	var fe jpeg.FormatError
	var ue jpeg.UnsupportedError
	switch {
	case errors.As(err, &ue):
		return &DecodeError{Decoder: DecoderGo, Kind: ErrUnsupported, Msg: ue.Error(), Err: err}
	case errors.As(err, &fe), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &DecodeError{Decoder: DecoderGo, Kind: ErrCorrupt, Msg: err.Error(), Err: err}
	case strings.Contains(err.Error(), "unsupported"):
		return &DecodeError{Decoder: DecoderGo, Kind: ErrUnsupported, Msg: err.Error(), Err: err}
	}
	return &DecodeError{Decoder: DecoderGo, Kind: ErrCorrupt, Msg: err.Error(), Err: err}
}
