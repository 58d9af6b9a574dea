package builder

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/segment"
)

// Exclusion reasons the pipeline records (the catalog adds its own, such
// as a missing report).
const (
	ReasonMissingImage  = "missing_image"
	ReasonZeroByte      = "zero_byte_file"
	ReasonReadError     = "read_error"
	ReasonCorrupt       = "corrupt_jpeg"
	ReasonUnsupported   = "unsupported_jpeg"
	ReasonTruncated     = "truncated_jpeg"
	ReasonSizeMismatch  = "size_mismatch"
	ReasonNotWritable   = "output_not_writable"
	ReasonDuplicate     = "duplicate_row"
	ReasonUnsafePath    = "unsafe_path"
	ReasonBadDimensions = "bad_dimensions"
	ReasonNotRegular    = "not_regular_file"
	ReasonTooLarge      = "file_too_large"
)

// retryable reports whether an exclusion may go away by itself (a file
// copied late, permissions fixed), so a resumed run tries the image again
// instead of trusting the journal.
func retryable(reason string) bool {
	return reason == ReasonMissingImage || reason == ReasonNotWritable || reason == ReasonReadError
}

// pipeline runs the images of one build (or shard) through read, decode,
// batched inference, clean-up, encode and atomic writes, journaling each.
type pipeline struct {
	root    string // the MIMIC root with links resolved, for the symbolic-link note
	out     string // output root
	items   []Item
	prior   map[string]Entry // journal of earlier runs
	backend segment.Backend
	stages  stageFactory
	fw      fileWriter
	journal *Journal

	preWorkers, postWorkers, batch int
	size                           int // Options.Size (0: 224), for resume checks

	progress *progress
	stats    *Stats
}

// run processes p.items. It returns after every image in flight is
// journaled: on success, on a fatal error (disk full) and on cancellation.
func (p *pipeline) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	nslots := 2*p.batch + 2*p.preWorkers + 2*p.postWorkers
	free := make(chan *slot, nslots)
	for range nslots {
		free <- newSlot()
	}
	pres := make([]stages, p.preWorkers)
	posts := make([]stages, p.postWorkers)
	for i := range pres {
		st, err := p.stages()
		if err != nil {
			return err
		}
		pres[i] = st
	}
	for i := range posts {
		st, err := p.stages()
		if err != nil {
			return err
		}
		posts[i] = st
	}

	jobs := make(chan *slot, p.preWorkers)
	toBatch := make(chan *slot, p.batch)
	toPost := make(chan *slot, p.batch+p.postWorkers)
	done := make(chan *slot, p.postWorkers)

	// Feeder: hands out items while slots are free and the run goes on.
	go func() {
		defer close(jobs)
		for _, it := range p.items {
			var s *slot
			select {
			case s = <-free:
			case <-ctx.Done():
				return
			}
			s.reset(it)
			select {
			case jobs <- s:
			case <-ctx.Done():
				return
			}
		}
	}()

	var preWG sync.WaitGroup
	for _, st := range pres {
		preWG.Add(1)
		go func() {
			defer preWG.Done()
			var rbuf []byte
			for s := range jobs {
				rbuf = p.pre(st, s, rbuf)
				toBatch <- s
			}
		}()
	}
	go func() { preWG.Wait(); close(toBatch) }()

	// Batcher: one goroutine owns the backend.
	go func() {
		defer close(toPost)
		p.batcher(toBatch, toPost)
	}()

	var postWG sync.WaitGroup
	for _, st := range posts {
		postWG.Add(1)
		go func() {
			defer postWG.Done()
			for s := range toPost {
				if s.state == stateWork {
					p.post(st, s)
				}
				done <- s
			}
		}()
	}
	go func() { postWG.Wait(); close(done) }()

	// Collector: journals outcomes in completion order (the CSVs are
	// ordered later, from the catalog), reports progress, recycles slots.
	var fatal error
	for s := range done {
		t := time.Now()
		skipped := 0
		switch s.state {
		case stateFatal:
			if fatal == nil {
				fatal = errors.New(s.entry.Detail)
				cancel()
			}
		case stateSkipped:
			p.stats.Skipped++
			skipped = 1
		default:
			if s.entry.Status == StatusExcluded && s.entry.Reason != ReasonUnsafePath {
				p.dropStale(&s.item)
			}
			if err := p.journal.Append(&s.entry); err != nil && fatal == nil {
				fatal = err
				cancel()
			}
			s.times[stJournal] = time.Since(t)
			p.stats.add(s)
		}
		p.progress.add(1, skipped, time.Now())
		free <- s
	}
	if err := p.journal.Sync(); err != nil && fatal == nil {
		fatal = err
	}
	return fatal
}

// pre reads and decodes one image, or decides it needs no work. rbuf is
// the worker's reusable read buffer, returned (maybe grown).
func (p *pipeline) pre(st stages, s *slot, rbuf []byte) []byte {
	it := &s.item
	s.src = stampOf(it.Source)
	if e, ok := p.prior[it.DicomID]; ok && p.stillValid(it, &e, s.src) {
		s.state = stateSkipped
		return rbuf
	}
	if fi, err := os.Lstat(it.Source); err == nil && fi.Mode()&os.ModeSymlink != 0 && p.root != "" {
		// Followed, as MIMIC copies made of links are common; said in
		// the notes when the link leaves the tree.
		if in, err := safeio.Inside(it.Source, p.root); err == nil && !in {
			s.addNote("the image file is a symbolic link to a file outside the MIMIC tree")
		}
	}
	if !safeRelPath(it.DicomPath) || !safeMaskRel(it.MaskPath) {
		s.exclude(ReasonUnsafePath, it.DicomPath)
		return rbuf
	}
	t := time.Now()
	data, err := safeio.ReadInto(it.Source, rbuf, safeio.MaxImageBytes)
	s.times[stRead] = time.Since(t)
	if data != nil {
		rbuf = data
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.exclude(ReasonMissingImage, it.DicomPath)
		return rbuf
	case errors.Is(err, safeio.ErrNotRegular):
		s.exclude(ReasonNotRegular, err.Error())
		return rbuf
	case errors.Is(err, safeio.ErrTooLarge):
		s.exclude(ReasonTooLarge, err.Error())
		return rbuf
	case err != nil:
		s.exclude(ReasonReadError, err.Error())
		return rbuf
	case len(data) == 0:
		s.exclude(ReasonZeroByte, it.DicomPath)
		return rbuf
	}
	s.data = data
	err = st.Pre(s)
	s.data = nil
	var ex *excludeError
	switch {
	case errors.As(err, &ex):
		s.exclude(ex.Reason, ex.Err.Error())
	case err != nil:
		s.exclude(ReasonCorrupt, err.Error())
	}
	return rbuf
}

// safeRelPath accepts only files/... paths that stay inside their root.
func safeRelPath(p string) bool {
	if !strings.HasPrefix(p, "files/") || strings.Contains(p, "\\") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// batcher groups slots needing inference into batches of p.batch and runs
// the backend; other slots pass straight through.
func (p *pipeline) batcher(in <-chan *slot, out chan<- *slot) {
	const n = segment.Size * segment.Size
	bin := make([]float32, p.batch*n)
	bout := make([]float32, p.batch*n)
	batch := make([]*slot, 0, p.batch)
	var broken error
	flush := func() {
		if len(batch) == 0 {
			return
		}
		t := time.Now()
		if broken == nil {
			for i, s := range batch {
				copy(bin[i*n:(i+1)*n], s.input)
			}
			broken = predict(p.backend, bin[:len(batch)*n], len(batch), bout[:len(batch)*n])
		}
		per := time.Since(t) / time.Duration(len(batch))
		for i, s := range batch {
			if broken != nil {
				s.state = stateFatal
				s.entry.Detail = fmt.Sprintf("inference (%s): %v", p.backend.Name(), broken)
			} else {
				copy(s.prob, bout[i*n:(i+1)*n])
			}
			s.times[stInfer] = per
			out <- s
		}
		batch = batch[:0]
	}
	for s := range in {
		if s.state != stateWork {
			out <- s
			continue
		}
		batch = append(batch, s)
		if len(batch) == p.batch {
			flush()
		}
	}
	flush()
}

// post cleans the mask, composes, encodes and writes both outputs, then
// measures QA. Outputs are renamed into place before the collector
// journals the image.
func (p *pipeline) post(st stages, s *slot) {
	it := &s.item
	if err := st.Post(s); err != nil {
		s.state = stateFatal
		s.entry.Detail = fmt.Sprintf("post-process %s: %v", it.DicomID, err)
		return
	}
	t := time.Now()
	segPath := filepath.Join(p.out, filepath.FromSlash(it.DicomPath))
	mskPath := filepath.Join(p.out, filepath.FromSlash(it.MaskPath))
	// A run killed between create and rename leaves a temporary file;
	// the image is redone now, so clear its leftovers (a small readdir).
	removeTemps(segPath)
	removeTemps(mskPath)
	err := p.fw.WriteFile(segPath, s.segJPG.Bytes())
	if err == nil {
		err = p.fw.WriteFile(mskPath, s.mskOut.Bytes())
	}
	s.times[stWrite] = time.Since(t)
	switch {
	case err == nil:
	case isDiskFull(err):
		s.state = stateFatal
		s.entry.Detail = fmt.Sprintf("disk full: %v; free space and run the same command again to resume", err)
		return
	case isNotWritable(err):
		s.exclude(ReasonNotWritable, err.Error())
		return
	default:
		s.state = stateFatal
		s.entry.Detail = fmt.Sprintf("write outputs of %s: %v; run the same command again to resume", it.DicomID, err)
		return
	}
	qa := s.qa
	s.entry = Entry{DicomID: it.DicomID, Status: StatusOK, Note: s.note, QA: &qa,
		Seg: sum(s.segJPG.Bytes()), Mask: sum(s.mskOut.Bytes()), Src: s.src, Width: s.outW, Height: s.outH}
	s.state = stateDone
}

func sum(b []byte) *FileSum {
	h := sha256.Sum256(b)
	return &FileSum{Size: int64(len(b)), SHA256: hex.EncodeToString(h[:])}
}

// stillValid reports whether an earlier run's outcome for it can be kept:
// the original is the version the entry was made from (src, its current
// stamp, equals the journaled one; entries without one, from older
// journals, are redone), and the outcome is a permanent exclusion or
// outputs that exist with the journaled size and a header that decodes at
// the build's output size.
func (p *pipeline) stillValid(it *Item, e *Entry, src *Stamp) bool {
	if !sameStamp(e.Src, src) {
		return false
	}
	if e.Status == StatusExcluded {
		return !retryable(e.Reason)
	}
	if e.Status != StatusOK || e.Seg == nil || e.Mask == nil {
		return false
	}
	w, h := entryDims(e)
	if size := cmp.Or(p.size, segment.Size); size != SizeNative && (w != size || h != size) {
		return false
	}
	return validOutput(filepath.Join(p.out, filepath.FromSlash(it.DicomPath)), e.Seg.Size, w, h) &&
		validOutput(filepath.Join(p.out, filepath.FromSlash(it.MaskPath)), e.Mask.Size, w, h)
}

// predict runs the backend, turning a panic inside it (a bug in an
// engine, or in a native library's binding) into an error, so the build
// stops cleanly with its journal consistent instead of crashing.
func predict(be segment.Backend, in []float32, n int, out []float32) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("backend panicked: %v", r)
		}
	}()
	return be.Predict(in, n, out)
}

// dropStale removes outputs an earlier run wrote for an image that is now
// excluded (a file that became unreadable, a stricter policy with
// --no-resume), so the tree holds exactly the images the CSVs list.
func (p *pipeline) dropStale(it *Item) {
	for _, rel := range []string{it.DicomPath, it.MaskPath} {
		os.Remove(filepath.Join(p.out, filepath.FromSlash(rel)))
	}
}
