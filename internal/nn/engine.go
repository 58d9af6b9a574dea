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
	jobs    []chan func(int)
	wg      sync.WaitGroup
	closed  bool
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
		ch := make(chan func(int))
		e.jobs = append(e.jobs, ch)
		go func() {
			for fn := range ch {
				fn(w)
				e.wg.Done()
			}
		}()
	}
	return e
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
	for _, ch := range e.jobs {
		close(ch)
	}
}

// run calls fn(w) once on every worker w and waits; worker 0 is the caller.
func (e *Engine) run(fn func(w int)) {
	e.wg.Add(len(e.jobs))
	for _, ch := range e.jobs {
		ch <- fn
	}
	fn(0)
	e.wg.Wait()
}

// For splits [0, n) into e.Threads() contiguous ranges and calls
// fn(w, lo, hi) for each non-empty one in parallel.
func (e *Engine) For(n int, fn func(w, lo, hi int)) {
	if n <= 0 {
		return
	}
	t := e.threads
	if t == 1 || n == 1 {
		fn(0, 0, n)
		return
	}
	e.run(func(w int) {
		lo, hi := w*n/t, (w+1)*n/t
		if lo < hi {
			fn(w, lo, hi)
		}
	})
}
