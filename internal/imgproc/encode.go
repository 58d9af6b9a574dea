package imgproc

import (
	"bufio"
	"image"
	"image/png"
	"io"

	"github.com/cxlseg/cxlseg/internal/imgproc/jpegenc"
)

// JPEGQuality is the quality of CXLSeg's JPEGs (IJG scaling, the tables
// libjpeg and Go's image/jpeg use).
const JPEGQuality = 95

// Encoder writes CXLSeg's output images. It reuses its buffers, so
// encoding allocates nothing in steady state. The JPEGs are baseline with
// the JPEG standard's Annex K tables at IJG quality 95 (see package
// jpegenc); they decode within ±3 of what image/jpeg's encoding does.
type Encoder struct {
	jpg  *jpegenc.Encoder
	bw   *bufio.Writer
	png  png.Encoder
	pool pngPool
}

// NewEncoder returns an Encoder.
func NewEncoder() *Encoder {
	e := &Encoder{jpg: jpegenc.New(JPEGQuality), bw: bufio.NewWriterSize(io.Discard, 16<<10)}
	e.png = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &e.pool}
	return e
}

// EncodeMask writes m (0/255) as CXLSeg's mask JPEG: baseline, one
// component (grayscale), quality 95.
func (e *Encoder) EncodeMask(w io.Writer, m *image.Gray) error {
	return e.jpg.Gray(w, m)
}

// EncodeSegmented writes g as CXLSeg's segmented JPEG: baseline, three
// components, YCbCr 4:2:0, quality 95, all channels equal (Y = g,
// Cb = Cr = 128, so decoding to RGB gives R = G = B = g up to JPEG loss).
func (e *Encoder) EncodeSegmented(w io.Writer, g *image.Gray) error {
	return e.jpg.GrayYCbCr(w, g)
}

// EncodeMaskPNG writes m as an 8-bit grayscale PNG (lossless masks).
func (e *Encoder) EncodeMaskPNG(w io.Writer, m *image.Gray) error {
	e.bw.Reset(w)
	if err := e.png.Encode(e.bw, m); err != nil {
		return err
	}
	return e.bw.Flush()
}

// pngPool keeps one png.EncoderBuffer for reuse (png.EncoderBufferPool).
type pngPool struct{ b *png.EncoderBuffer }

// Get returns the kept buffer, or nil so png allocates one.
func (p *pngPool) Get() *png.EncoderBuffer { b := p.b; p.b = nil; return b }

// Put keeps b for the next Get.
func (p *pngPool) Put(b *png.EncoderBuffer) { p.b = b }
