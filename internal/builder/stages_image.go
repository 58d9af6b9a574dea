package builder

import (
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/maskqa"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/rle"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// minSide is the smallest image side accepted: anything smaller is not a
// radiograph, whatever its header says.
const minSide = 32

// imageStages is the real image work of one worker: decode, both 224
// views, then clean-up, composition, encoding and QA. Every member reuses
// its buffers, so a worker allocates (almost) nothing per image.
type imageStages struct {
	opt     *Options
	dec     *imgproc.Decoder
	rs      imgproc.Resizer
	pre     *preprocess.Preprocessor
	cleaner *imgproc.Cleaner
	scaler  *imgproc.MaskScaler
	maskN   *image.Gray // the mask at an output size other than 224
	enc     *imgproc.Encoder
	meter   *maskqa.Meter
}

// newImageStages returns the factory of per-worker stages and the name
// and reason of the JPEG decoder in use, for the manifest.
func newImageStages(o *Options) (stageFactory, string) {
	d := imgproc.NewDecoder()
	decoder := d.Name() + " (" + d.Why() + ")"
	return func() (stages, error) {
		cp := imgproc.DefaultCleanParams()
		return &imageStages{opt: o, dec: imgproc.NewDecoder(), pre: preprocess.New(segment.Size),
			cleaner: imgproc.NewCleaner(cp), scaler: imgproc.NewMaskScaler(cp.Threshold), enc: imgproc.NewEncoder(),
			meter: maskqa.NewMeter(maskqa.DefaultThresholds())}, nil
	}, decoder
}

func (st *imageStages) Pre(s *slot) error {
	it := &s.item
	t := time.Now()
	g, err := st.dec.Decode(s.data)
	s.times[stDecode] = time.Since(t)
	if err != nil {
		var w *imgproc.WarningError
		switch {
		case errors.As(err, &w) && st.opt.Truncated == TruncatedKeep:
			s.note = "recovered: " + w.Msg
		case errors.As(err, &w):
			return &excludeError{Reason: ReasonTruncated, Err: err}
		case errors.Is(err, imgproc.ErrUnsupported):
			return &excludeError{Reason: ReasonUnsupported, Err: err}
		default:
			return &excludeError{Reason: ReasonCorrupt, Err: err}
		}
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < minSide || h < minSide {
		return &excludeError{Reason: ReasonBadDimensions, Err: fmt.Errorf("decoded %dx%d, below %d px", w, h, minSide)}
	}
	if it.Rows > 0 && it.Columns > 0 && (h != it.Rows || w != it.Columns) {
		msg := fmt.Errorf("metadata says %dx%d (Columns x Rows), decoded %dx%d", it.Columns, it.Rows, w, h)
		if st.opt.SizeMismatch == MismatchExclude {
			return &excludeError{Reason: ReasonSizeMismatch, Err: msg}
		}
		s.addNote(msg.Error())
	}
	if c := jpegComponents(s.data); c > 1 {
		s.addNote(fmt.Sprintf("%d-component JPEG converted to gray", c))
	}
	t = time.Now()
	s.outW, s.outH = outputDims(st.opt.Size, w, h)
	switch {
	case st.opt.Size == segment.Size:
		st.rs.Linear(s.seg224, g)
	case st.opt.Size == SizeNative:
		s.segN = sizedGray(s.segN, w, h)
		for y := range h {
			copy(s.segN.Pix[y*w:(y+1)*w], g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):])
		}
	default:
		s.segN = sizedGray(s.segN, s.outW, s.outH)
		st.rs.Linear(s.segN, g)
	}
	s.times[stResize] = time.Since(t)
	t = time.Now()
	err = st.pre.Apply(s.input, g)
	s.times[stPreprocess] = time.Since(t)
	if err != nil {
		return &excludeError{Reason: ReasonBadDimensions, Err: err}
	}
	return nil
}

func (st *imageStages) Post(s *slot) error {
	t := time.Now()
	st.cleaner.Clean(s.mask, s.prob)
	seg, mask := s.segOut, s.mask
	if st.opt.Size == segment.Size {
		imgproc.And(s.segOut, s.seg224, s.mask)
	} else {
		// Cleaned once at 224 (QA below measures that mask, as the
		// estimator was fitted on it), then carried to the output size.
		st.maskN = sizedGray(st.maskN, s.outW, s.outH)
		st.scaler.Scale(st.maskN, s.prob, s.mask)
		imgproc.And(s.segN, s.segN, st.maskN)
		seg, mask = s.segN, st.maskN
	}
	s.times[stClean] = time.Since(t)
	t = time.Now()
	if err := st.enc.EncodeSegmented(&s.segJPG, seg); err != nil {
		return fmt.Errorf("encode segmented: %w", err)
	}
	var err error
	switch st.opt.MaskFormat {
	case MaskPNG:
		err = st.enc.EncodeMaskPNG(&s.mskOut, mask)
	case MaskRLE:
		s.mskOut.Write(rle.Encode(s.mskOut.AvailableBuffer(), mask.Pix))
	default:
		err = st.enc.EncodeMask(&s.mskOut, mask)
	}
	if err != nil {
		return fmt.Errorf("encode mask: %w", err)
	}
	s.times[stEncode] = time.Since(t)
	t = time.Now()
	r := st.meter.Measure(s.mask, s.prob)
	s.qa = qaOf(&r)
	s.times[stQA] = time.Since(t)
	return nil
}

// sizedGray returns g resized to w x h with a tight stride, reusing its
// pixels when they are large enough.
func sizedGray(g *image.Gray, w, h int) *image.Gray {
	if g != nil && cap(g.Pix) >= w*h {
		*g = image.Gray{Pix: g.Pix[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
		return g
	}
	return image.NewGray(image.Rect(0, 0, w, h))
}
