package nn

import (
	"fmt"
	"runtime"
	"sync"
)

// Engine runs ops on a fixed set of worker goroutines with one Gemm.
// Work is split statically (worker w always gets the same share), which
// keeps every result independent of scheduling.
type Engine struct {
	gemm    Gemm
	threads int
	wake    []chan struct{}
	wg      sync.WaitGroup
	closed  bool
	fn      func(w, lo, hi int) // the job For is running
	n       int                 // its index range [0, n)
}

// NewEngine starts an engine with the given sgemm and thread count
// (threads < 1 means one per CPU the Go scheduler may use, GOMAXPROCS).
// Close stops its workers.
func NewEngine(g Gemm, threads int) *Engine {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	e := &Engine{gemm: g, threads: threads}
	for w := 1; w < threads; w++ {
		ch := make(chan struct{})
		e.wake = append(e.wake, ch)
		go func() {
			for range ch {
				e.share(w)
				e.wg.Done()
			}
		}()
	}
	return e
}

// share runs worker w's part of the current job.
func (e *Engine) share(w int) {
	lo, hi := w*e.n/e.threads, (w+1)*e.n/e.threads
	if lo < hi {
		e.fn(w, lo, hi)
	}
}

// Threads returns the number of workers.
func (e *Engine) Threads() int { return e.threads }

// Gemm returns the engine's sgemm.
func (e *Engine) Gemm() Gemm { return e.gemm }

// Describe says which sgemm and how many threads run, for logs.
func (e *Engine) Describe() string {
	return fmt.Sprintf("native engine, %d thread(s), sgemm %s", e.threads, e.gemm.Name())
}

// Close stops the workers. The engine must not be used afterwards.
func (e *Engine) Close() {
	if e.closed {
		return
	}
	e.closed = true
	for _, ch := range e.wake {
		close(ch)
	}
}

// For splits [0, n) into e.Threads() contiguous ranges and calls
// fn(w, lo, hi) for each non-empty one in parallel (worker 0 is the
// caller). It allocates nothing: pass a func value built once. For is not
// reentrant: fn must not call For.
func (e *Engine) For(n int, fn func(w, lo, hi int)) {
	if n <= 0 {
		return
	}
	if e.threads == 1 || n == 1 {
		fn(0, 0, n)
		return
	}
	e.fn, e.n = fn, n
	e.wg.Add(len(e.wake))
	for _, ch := range e.wake {
		ch <- struct{}{}
	}
	e.share(0)
	e.wg.Wait()
	e.fn = nil
}
