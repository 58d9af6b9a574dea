package builder

import (
	"bytes"
	"fmt"
	"image"
	"time"

	"github.com/cxlseg/cxlseg/internal/segment"
)

// Stage indexes for the per-stage time split in the summary.
const (
	stRead = iota
	stDecode
	stResize
	stPreprocess
	stInfer
	stClean
	stEncode
	stWrite
	stQA
	stJournal
	nStages
)

var stageNames = [nStages]string{"read", "decode", "resize224", "preprocess", "infer", "cleanup+and", "encode", "write", "qa", "journal"}

// slot carries one image through the pipeline. Slots are allocated once
// per run (a fixed number, independent of the number of images) and
// reused, so memory stays bounded and steady-state work allocates little.
type slot struct {
	item  Item
	state slotState
	entry Entry // outcome, journaled by the collector

	data   []byte      // the original JPEG's bytes
	seg224 *image.Gray // original resized (linear) to 224x224
	input  []float32   // model input, Size*Size
	prob   []float32   // model output, Size*Size
	mask   *image.Gray // cleaned mask, 0/255
	segOut *image.Gray // seg224 AND mask
	// segN is the original at the output size when that is not 224
	// (resized, or copied at its own size), then ANDed with the mask in
	// place; grown as needed, kept across images.
	segN       *image.Gray
	outW, outH int // the outputs' size
	segJPG     bytes.Buffer
	mskOut     bytes.Buffer // the mask as its format stores it: JPEG, PNG or RLE text
	qa         QA
	note       string
	src        *Stamp // the original's stamp, journaled with the outcome

	times [nStages]time.Duration
}

// slotState says what is left to do for a slot.
type slotState int

const (
	stateWork    slotState = iota // needs inference and post-processing
	stateDone                     // entry is final (excluded), journal it
	stateSkipped                  // complete in an earlier run: nothing to journal
	stateFatal                    // stop the build; entry is not journaled
)

func newSlot() *slot {
	const n = segment.Size * segment.Size
	r := image.Rect(0, 0, segment.Size, segment.Size)
	return &slot{
		seg224: image.NewGray(r),
		input:  make([]float32, n),
		prob:   make([]float32, n),
		mask:   image.NewGray(r),
		segOut: image.NewGray(r),
	}
}

// reset prepares s for it, keeping its buffers.
func (s *slot) reset(it Item) {
	s.item = it
	s.state = stateWork
	s.entry = Entry{}
	s.segJPG.Reset()
	s.mskOut.Reset()
	s.qa = QA{}
	s.note = ""
	s.src = nil
	s.times = [nStages]time.Duration{}
}

// addNote records a remark about an image that is kept.
func (s *slot) addNote(n string) {
	if s.note != "" {
		s.note += "; "
	}
	s.note += n
}

// exclude marks s as left out with a reason.
func (s *slot) exclude(reason, detail string) {
	s.state = stateDone
	s.entry = Entry{DicomID: s.item.DicomID, Status: StatusExcluded, Reason: reason, Detail: detail, Src: s.src}
}

// excludeError is returned by a stage for bad input: the image is recorded
// in the exclusions with Reason and the build goes on.
type excludeError struct {
	Reason string
	Err    error
}

func (e *excludeError) Error() string { return fmt.Sprintf("%s: %v", e.Reason, e.Err) }
func (e *excludeError) Unwrap() error { return e.Err }

// stages does the image work around inference. Each worker goroutine gets
// its own instance (decoders and cleaners hold scratch buffers).
type stages interface {
	// Pre decodes s.data and fills s.seg224 or s.segN (the original at
	// the output size), s.outW/s.outH and s.input (model input). Bad input returns an
	// *excludeError; a recoverable problem worth recording sets s.note.
	Pre(s *slot) error
	// Post turns s.prob into the mask, the segmented image, their
	// encodings s.segJPG and s.mskOut (whatever the format) and s.qa.
	Post(s *slot) error
}

// stageFactory makes one stages per worker.
type stageFactory func() (stages, error)
