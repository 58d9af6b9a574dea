package builder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/segment"
)

// fakeStages stands in for the image stages: "decoding" accepts files that
// start with "IMG" and fills the model input with the file's last byte.
type fakeStages struct{}

func (fakeStages) Pre(s *slot) error {
	if !bytes.HasPrefix(s.data, []byte("IMG")) {
		return &excludeError{Reason: ReasonCorrupt, Err: errors.New("no IMG marker")}
	}
	v := float32(s.data[len(s.data)-1]) / 255
	for i := range s.input {
		s.input[i] = v
	}
	return nil
}

func (fakeStages) Post(s *slot) error {
	for i := range s.mask.Pix {
		s.mask.Pix[i] = byte(s.prob[i] * 255)
	}
	if err := jpeg.Encode(&s.segJPG, s.mask, nil); err != nil {
		return err
	}
	s.qa = QA{Fields: []string{fmt.Sprint(s.prob[0]), "0.3", "2", "1", "1", "1.0000", "", "", ""}}
	return jpeg.Encode(&s.mskOut, s.mask, nil)
}

// fakeBackend copies its input to its output and records batch sizes.
type fakeBackend struct {
	mu      sync.Mutex
	batches []int
	fail    error
	panics  bool
}

func (b *fakeBackend) Name() string  { return "fake" }
func (b *fakeBackend) MaxBatch() int { return 64 }
func (b *fakeBackend) Close() error  { return nil }
func (b *fakeBackend) Predict(in []float32, n int, probs []float32) error {
	b.mu.Lock()
	b.batches = append(b.batches, n)
	b.mu.Unlock()
	if b.panics {
		var m map[string]int
		m["x"]++
	}
	if b.fail != nil {
		return b.fail
	}
	copy(probs, in[:n*segment.Size*segment.Size])
	return nil
}

// failingWriter fails writes with err once limit writes have succeeded, or
// for paths containing match.
type failingWriter struct {
	mu    sync.Mutex
	n     int
	limit int
	match string
	err   error
}

func (w *failingWriter) WriteFile(path string, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if (w.match != "" && strings.Contains(path, w.match)) || (w.limit > 0 && w.n >= w.limit) {
		return fmt.Errorf("write %s: %w", path, w.err)
	}
	w.n++
	return writeFileAtomic(path, data)
}

// fakeTree writes n input files under root and returns their items.
// kinds maps an index to a special case.
func fakeTree(t *testing.T, root string, n int, kinds map[int]string) []Item {
	t.Helper()
	var items []Item
	for i := range n {
		id := fmt.Sprintf("img%03d", i)
		it := Item{DicomID: id, SubjectID: "10000032", StudyID: fmt.Sprintf("5000%04d", i%3),
			DicomPath: fmt.Sprintf("files/p10/p10000032/s5000%04d/%s.jpg", i%3, id),
			MaskPath:  fmt.Sprintf("files/p10/p10000032/s5000%04d/%s-mask.jpg", i%3, id)}
		it.Source = filepath.Join(root, filepath.FromSlash(it.DicomPath))
		items = append(items, it)
		content := []byte("IMG" + id)
		switch kinds[i] {
		case "missing":
			continue
		case "zero":
			content = nil
		case "corrupt":
			content = []byte("garbage")
		}
		p := it.Source
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return items
}

type pipeEnv struct {
	mimic, out, journal string
	items               []Item
	backend             *fakeBackend
	fw                  fileWriter
}

func (e *pipeEnv) run(t *testing.T, ctx context.Context, fresh bool) (*Stats, JournalContents, error) {
	t.Helper()
	j, prior, err := OpenJournal(e.journal, fresh)
	if err != nil {
		t.Fatal(err)
	}
	fw := e.fw
	if fw == nil {
		fw = atomicWriter{}
	}
	st := newStats()
	p := &pipeline{out: e.out, items: e.items, prior: prior.Latest(), backend: e.backend,
		stages: func() (stages, error) { return fakeStages{}, nil }, fw: fw, journal: j,
		preWorkers: 2, postWorkers: 2, batch: 4, stats: st,
		progress: newProgress(nil, "test", len(e.items), time.Now())}
	runErr := p.run(ctx)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := ReadJournal(e.journal)
	if err != nil {
		t.Fatal(err)
	}
	return st, c, runErr
}

func newPipeEnv(t *testing.T, n int, kinds map[int]string) *pipeEnv {
	dir := t.TempDir()
	e := &pipeEnv{mimic: filepath.Join(dir, "mimic"), out: filepath.Join(dir, "out"), journal: filepath.Join(dir, "journal"), backend: &fakeBackend{}}
	e.items = fakeTree(t, e.mimic, n, kinds)
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPipelineBadInputs(t *testing.T) {
	e := newPipeEnv(t, 13, map[int]string{2: "missing", 5: "zero", 7: "corrupt"})
	e.items[9].DicomPath = "files/../../etc/passwd"
	st, c, err := e.run(t, context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"img002": ReasonMissingImage, "img005": ReasonZeroByte, "img007": ReasonCorrupt, "img009": ReasonUnsafePath}
	latest := c.Latest()
	if len(latest) != 13 || len(c.Entries) != 13 {
		t.Fatalf("journal has %d entries (%d ids), want 13", len(c.Entries), len(latest))
	}
	for id, e := range latest {
		if r, bad := want[id]; bad {
			if e.Status != StatusExcluded || e.Reason != r {
				t.Errorf("%s: %s %s, want excluded %s", id, e.Status, e.Reason, r)
			}
		} else if e.Status != StatusOK || e.QA == nil || e.Seg == nil || e.Seg.Size == 0 {
			t.Errorf("%s: %+v, want ok with QA and sums", id, e)
		}
	}
	if st.Segmented != 9 || sumCounts(st.Excluded) != 4 {
		t.Errorf("stats: %d segmented, %d excluded", st.Segmented, sumCounts(st.Excluded))
	}
	for _, it := range e.items {
		_, err := os.Stat(filepath.Join(e.out, it.MaskPath))
		if ok := latest[it.DicomID].Status == StatusOK; ok != (err == nil) {
			t.Errorf("%s: mask exists=%v, status %s", it.DicomID, err == nil, latest[it.DicomID].Status)
		}
	}
	for _, n := range e.backend.batches {
		if n > 4 {
			t.Errorf("batch of %d > 4", n)
		}
	}
}

func TestPipelineResumeSkipsValidOnly(t *testing.T) {
	e := newPipeEnv(t, 10, map[int]string{3: "missing", 4: "corrupt"})
	if _, _, err := e.run(t, context.Background(), true); err != nil {
		t.Fatal(err)
	}
	// Damage one output, and supply the missing image: both are redone;
	// the corrupt one is a permanent exclusion and is not.
	if err := os.WriteFile(filepath.Join(e.out, e.items[6].MaskPath), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.items[3].Source, []byte("IMGx"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, c, err := e.run(t, context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Segmented != 2 || st.Skipped != 8 {
		t.Errorf("resume: %d segmented, %d skipped; want 2, 8", st.Segmented, st.Skipped)
	}
	latest := c.Latest()
	if latest["img003"].Status != StatusOK || latest["img004"].Reason != ReasonCorrupt {
		t.Errorf("img003 %+v img004 %+v", latest["img003"], latest["img004"])
	}
	if len(c.Entries) != 12 {
		t.Errorf("journal has %d lines, want 10 + 2 redone", len(c.Entries))
	}
}

func TestPipelineDiskFullStopsResumably(t *testing.T) {
	e := newPipeEnv(t, 20, nil)
	e.fw = &failingWriter{limit: 14, err: syscall.ENOSPC}
	_, c, err := e.run(t, context.Background(), true)
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "resume") {
		t.Fatalf("err = %v, want a disk-full message saying how to resume", err)
	}
	for _, en := range c.Entries {
		if en.Status != StatusOK {
			t.Errorf("%s journaled as %s after disk full", en.DicomID, en.Status)
		}
	}
	if n := len(c.Entries); n == 0 || n > 7 {
		t.Errorf("%d images journaled with room for 7", n)
	}
	e.fw = nil // space freed
	st, c, err := e.run(t, context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Latest()); got != 20 || st.Segmented+st.Skipped != 20 {
		t.Errorf("after resume: %d ids journaled, %d+%d; want 20", got, st.Segmented, st.Skipped)
	}
}

func TestPipelineNotWritableExcludes(t *testing.T) {
	e := newPipeEnv(t, 9, nil)
	e.fw = &failingWriter{match: "s50000001", err: os.ErrPermission}
	st, c, err := e.run(t, context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Excluded[ReasonNotWritable] != 3 || st.Segmented != 6 || len(c.Latest()) != 9 {
		t.Errorf("stats %+v", st)
	}
}

func TestPipelineInferenceErrorIsFatal(t *testing.T) {
	for _, panics := range []bool{false, true} {
		e := newPipeEnv(t, 9, nil)
		e.backend.fail = errors.New("boom")
		e.backend.panics = panics
		_, c, err := e.run(t, context.Background(), true)
		if err == nil || !strings.Contains(err.Error(), "boom") && !strings.Contains(err.Error(), "panicked") {
			t.Fatalf("panics=%v: err = %v", panics, err)
		}
		if len(c.Entries) != 0 {
			t.Errorf("%d entries journaled without inference", len(c.Entries))
		}
	}
}

// cancellingBackend cancels the run's context during its second batch, as
// Ctrl-C would.
type cancellingBackend struct {
	fakeBackend
	cancel context.CancelFunc
}

func (b *cancellingBackend) Predict(in []float32, n int, probs []float32) error {
	if len(b.batches) == 1 {
		b.cancel()
	}
	return b.fakeBackend.Predict(in, n, probs)
}

func TestPipelineCancelStopsCleanly(t *testing.T) {
	e := newPipeEnv(t, 60, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cb := &cancellingBackend{cancel: cancel}
	p := &pipeline{out: e.out, items: e.items, backend: cb,
		stages: func() (stages, error) { return fakeStages{}, nil }, fw: atomicWriter{},
		preWorkers: 2, postWorkers: 2, batch: 4, stats: newStats(),
		progress: newProgress(nil, "test", len(e.items), time.Now())}
	j, _, err := OpenJournal(e.journal, true)
	if err != nil {
		t.Fatal(err)
	}
	p.journal = j
	if err := p.run(ctx); err != nil {
		t.Fatal(err)
	}
	j.Close()
	c, err := ReadJournal(e.journal)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) < 8 || len(c.Entries) >= 60 {
		t.Fatalf("cancelled run journaled %d of 60 images", len(c.Entries))
	}
	byID := map[string]Item{}
	for _, it := range e.items {
		byID[it.DicomID] = it
	}
	for _, en := range c.Entries {
		it := byID[en.DicomID]
		if !validOutput(filepath.Join(e.out, it.DicomPath), en.Seg.Size, 224, 224) || !validOutput(filepath.Join(e.out, it.MaskPath), en.Mask.Size, 224, 224) {
			t.Errorf("journaled %s without valid outputs", en.DicomID)
		}
	}
	st, c, err := e.run(t, context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Latest()) != 60 || len(c.Entries) != 60 || st.Skipped+st.Segmented != 60 {
		t.Errorf("after resume: %d lines, %d ids, %d+%d", len(c.Entries), len(c.Latest()), st.Skipped, st.Segmented)
	}
}

func TestSafeRelPath(t *testing.T) {
	for p, ok := range map[string]bool{
		"files/p10/p1/s2/a.jpg": true, "files/../x.jpg": false, "/files/a.jpg": false,
		"files//a.jpg": false, "x/a.jpg": false, `files\a.jpg`: false, "files/./a.jpg": false,
	} {
		if safeRelPath(p) != ok {
			t.Errorf("safeRelPath(%q) = %v", p, !ok)
		}
	}
}
