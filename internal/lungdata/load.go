package lungdata

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/imgproc"
)

// Loader decodes item files to 8-bit gray. It reuses a JPEG decoder; not
// safe for concurrent use (give each worker its own).
type Loader struct {
	dec *imgproc.Decoder
}

// NewLoader returns a Loader using imgproc's fastest JPEG decoder.
func NewLoader() *Loader { return &Loader{dec: imgproc.NewDecoder()} }

// Image decodes an item's image. The result may be owned by the Loader and
// is valid until its next call.
func (l *Loader) Image(it Item) (*image.Gray, error) {
	return l.decode(it.Image)
}

// MaxPixels bounds the pixels of one image or mask file (50 million: the
// largest chest radiographs, Montgomery's 4892x4020, have 20 million); the
// size is read from the header before anything is decoded.
const MaxPixels = 50_000_000

// Pair decodes an item's mask, then its image, and checks that they belong
// together: the mask must have the image's aspect ratio within 1 % (masks
// at another resolution, such as SCR's 1024 px masks of 2048 px JSRT
// images, are fine; both are resized to the model size). The image may be
// owned by the Loader, valid until its next call; the mask is new.
func (l *Loader) Pair(it Item) (img, mask *image.Gray, err error) {
	if mask, err = l.Mask(it); err != nil {
		return nil, nil, err
	}
	if img, err = l.Image(it); err != nil {
		return nil, nil, err
	}
	iw, ih, mw, mh := img.Rect.Dx(), img.Rect.Dy(), mask.Rect.Dx(), mask.Rect.Dy()
	if math.Abs(float64(iw)*float64(mh)/(float64(ih)*float64(mw))-1) > 0.01 {
		return nil, nil, fmt.Errorf("%s: mask %s is %dx%d but the image %s is %dx%d: not the same picture", it.ID, it.Masks[0], mw, mh, it.Image, iw, ih)
	}
	return img, mask, nil
}

// Mask decodes an item's mask files, binarises each (a pixel is lung when
// above half the file's maximum, so 0/1, 0/255 and JPEG-noisy masks all
// work), and returns their union as a new 0/255 image. All files of one item
// must have the same size.
func (l *Loader) Mask(it Item) (*image.Gray, error) {
	if len(it.Masks) == 0 {
		return nil, fmt.Errorf("%s: %w", it.ID, errNoMask)
	}
	var out *image.Gray
	for _, p := range it.Masks {
		g, err := l.decode(p)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = image.NewGray(image.Rect(0, 0, g.Rect.Dx(), g.Rect.Dy()))
		} else if g.Rect.Dx() != out.Rect.Dx() || g.Rect.Dy() != out.Rect.Dy() {
			return nil, fmt.Errorf("read %s: mask is %dx%d, the item's other mask %dx%d", p, g.Rect.Dx(), g.Rect.Dy(), out.Rect.Dx(), out.Rect.Dy())
		}
		var peak uint8
		for y := 0; y < g.Rect.Dy(); y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()]
			for _, v := range row {
				peak = max(peak, v)
			}
		}
		if peak == 0 {
			continue
		}
		for y := 0; y < g.Rect.Dy(); y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()]
			dst := out.Pix[y*out.Stride:]
			for x, v := range row {
				if 2*int(v) > int(peak) {
					dst[x] = 255
				}
			}
		}
	}
	return out, nil
}

// decode reads one file by extension.
func (l *Loader) decode(path string) (*image.Gray, error) {
	data, err := safeio.ReadInto(path, nil, safeio.MaxImageBytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".png" || ext == ".gif" {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
			return nil, fmt.Errorf("read %s: %dx%d is over the %d-pixel limit", path, cfg.Width, cfg.Height, MaxPixels)
		}
	}
	switch ext {
	case ".img":
		g, err := DecodeJSRT(data)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return g, nil
	case ".png":
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return toGray(img), nil
	case ".gif":
		img, err := gif.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return toGray(img), nil
	default:
		g, err := l.dec.Decode(data)
		var warn *imgproc.WarningError
		if err != nil && !errors.As(err, &warn) {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return g, nil
	}
}

// JSRTSide is the side of a JSRT raw image.
const JSRTSide = 2048

// DecodeJSRT decodes a JSRT raw image: a square of 16-bit big-endian words
// holding 12-bit values (0-4095), no header. JSRT stores optical density
// (higher = darker film), so values are inverted to the usual display
// (lungs dark, bone bright) and scaled to 8 bits. The side is derived from
// the length (2048 for JSRT) so that cropped or test files work too.
func DecodeJSRT(data []byte) (*image.Gray, error) {
	if len(data) == 0 || len(data)%2 != 0 {
		return nil, fmt.Errorf("jsrt raw: %d bytes is not a whole number of 16-bit pixels", len(data))
	}
	n := len(data) / 2
	side := int(math.Sqrt(float64(n)))
	for side*side < n {
		side++
	}
	if side*side != n {
		return nil, fmt.Errorf("jsrt raw: %d pixels do not form a square image", n)
	}
	g := image.NewGray(image.Rect(0, 0, side, side))
	for i := range n {
		v := min(int(data[2*i])<<8|int(data[2*i+1]), 4095)
		g.Pix[i] = uint8(255 - (v*255+2047)/4095)
	}
	return g, nil
}

// toGray converts a decoded PNG or GIF to 8-bit gray (16-bit gray keeps its
// high byte; colour uses the standard luma weights).
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], src.Pix[y*src.Stride:])
		}
	case *image.Gray16:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				out.Pix[y*out.Stride+x] = src.Pix[y*src.Stride+2*x]
			}
		}
	default:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				out.Pix[y*out.Stride+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return out
}
