// Package preprocess is the one preprocessing of the segmentation model,
// used by training and inference alike so that they cannot drift apart:
//
//	8-bit gray -> resize to 224x224 with the AREA filter -> CLAHE (clip
//	2.0, 8x8 tiles) at 224 -> float32 scaled by 1/255 (NCHW, C = 1)
//
// Its identifier ID is written into the weights' metadata under MetaKey
// when a model is trained, and Check refuses weights that record anything
// else. Decoding to gray is the caller's (imgproc.Decoder, or the training
// readers of package lungdata).
package preprocess

import (
	"fmt"
	"image"

	"github.com/cxlseg/cxlseg/internal/imgproc"
)

// Size is the model input side in pixels.
const Size = 224

// ID identifies this preprocessing at Size in model metadata.
const ID = "gray>area224>clahe2.0x8>unit"

// MetaKey is the safetensors metadata key that holds the preprocessing ID.
const MetaKey = "preprocessing"

// CLAHE parameters (OpenCV's clipLimit and tile grid).
const (
	ClipLimit = 2.0
	Tiles     = 8
)

// IDFor is the identifier of the same preprocessing at another input side
// (small sizes are used by tests and quick experiments).
func IDFor(size int) string { return fmt.Sprintf("gray>area%d>clahe2.0x8>unit", size) }

// Check returns an error unless meta records this package's preprocessing
// at Size. Call it on every model loaded for inference.
func Check(meta map[string]string) error { return CheckFor(meta, Size) }

// CheckFor is Check for a model of another input side.
func CheckFor(meta map[string]string, size int) error {
	got, ok := meta[MetaKey]
	if !ok {
		return fmt.Errorf("model metadata has no %q entry: cannot confirm it expects %q", MetaKey, IDFor(size))
	}
	if want := IDFor(size); got != want {
		return fmt.Errorf("model was trained with preprocessing %q, this program applies %q", got, want)
	}
	return nil
}

// Preprocessor applies the preprocessing at one size, reusing its buffers:
// after the first image of a given source size it allocates nothing. Not
// safe for concurrent use; give each worker its own.
type Preprocessor struct {
	size  int
	rs    imgproc.Resizer
	clahe *imgproc.CLAHE
	small *image.Gray // area-resized image
	eq    *image.Gray // after CLAHE
}

// New returns a Preprocessor for size x size model inputs (Size for the
// shipped model).
func New(size int) *Preprocessor {
	r := image.Rect(0, 0, size, size)
	return &Preprocessor{size: size, clahe: imgproc.NewCLAHE(ClipLimit, Tiles, Tiles),
		small: image.NewGray(r), eq: image.NewGray(r)}
}

// Size returns the output side.
func (p *Preprocessor) Size() int { return p.size }

// ID returns the identifier of what this Preprocessor applies.
func (p *Preprocessor) ID() string { return IDFor(p.size) }

// Gray8 resizes src (area) and equalises it (CLAHE): the 8-bit image the
// model sees before the 1/255 scaling. Training keeps this form in memory
// (a quarter of the float32 size). The result is owned by the Preprocessor
// and valid until its next call.
func (p *Preprocessor) Gray8(src *image.Gray) (*image.Gray, error) {
	if src == nil || src.Rect.Empty() {
		return nil, fmt.Errorf("preprocess: empty image")
	}
	p.rs.Area(p.small, src)
	p.clahe.Apply(p.eq, p.small)
	return p.eq, nil
}

// Apply writes the model input of src into dst (size*size float32 values
// in [0, 1]).
func (p *Preprocessor) Apply(dst []float32, src *image.Gray) error {
	if len(dst) != p.size*p.size {
		return fmt.Errorf("preprocess: output buffer holds %d values, want %d", len(dst), p.size*p.size)
	}
	g, err := p.Gray8(src)
	if err != nil {
		return err
	}
	ToUnit(dst, g.Pix)
	return nil
}

// ToUnit scales 8-bit values to float32 in [0, 1] (v/255), the last step of
// the preprocessing. dst and src must have the same length.
func ToUnit(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float32(v) * (1.0 / 255)
	}
}

// Mask brings a 0/255 lung mask to the model size for training and
// evaluation at 224: an AREA resize, which gives each output pixel the
// fraction of it covered by lung, then a threshold at one half (>= 128).
// Unlike nearest-neighbour sampling this keeps the boundary where the
// coverage puts it and the mask area unbiased, and never drops thin
// structures by the luck of the sampling grid. dst receives size*size values
// 0 or 1.
func (p *Preprocessor) Mask(dst []uint8, src *image.Gray) error {
	if len(dst) != p.size*p.size {
		return fmt.Errorf("preprocess: mask buffer holds %d values, want %d", len(dst), p.size*p.size)
	}
	if src == nil || src.Rect.Empty() {
		return fmt.Errorf("preprocess: empty mask")
	}
	p.rs.Area(p.small, src)
	for i, v := range p.small.Pix[:len(dst)] {
		if v >= 128 {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
	return nil
}
