package mimic

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/cxlseg/cxlseg/internal/safeio"
)

// gzipMagic is the two-byte signature of a gzip member (RFC 1952). The
// compression is detected from it rather than from the file name, so a
// gzip file without .gz or a plain file named .gz both read correctly.
var gzipMagic = [2]byte{0x1f, 0x8b}

// readCloser couples a decompressing reader with the file under it.
type readCloser struct {
	io.Reader
	closers []io.Closer
}

// Close closes the decompressor, then the file, returning the first error.
func (r *readCloser) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Open opens path for reading, transparently decompressing it when it
// starts with the gzip signature. Errors from the returned reader (for
// example a truncated gzip stream, io.ErrUnexpectedEOF) are wrapped with
// the path.
func Open(path string) (io.ReadCloser, error) {
	f, err := safeio.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return decompress(path, f)
}

// decompress wraps src (named name in errors) with a gzip reader when its
// first bytes are the gzip signature. Closing the result closes src.
func decompress(name string, src io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(src, 256<<10)
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		src.Close()
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(head) == 2 && head[0] == gzipMagic[0] && head[1] == gzipMagic[1] {
		zr, err := gzip.NewReader(br)
		if err != nil {
			src.Close()
			return nil, fmt.Errorf("read %s: gzip header: %w", name, err)
		}
		// Concatenated gzip members are read as one stream (gzip's default).
		return &readCloser{Reader: &lineLimitReader{r: &pathErrReader{r: zr, path: name}, path: name, max: MaxLineBytes},
			closers: []io.Closer{zr, src}}, nil
	}
	return &readCloser{Reader: &lineLimitReader{r: br, path: name, max: MaxLineBytes}, closers: []io.Closer{src}}, nil
}

// MaxLineBytes bounds one physical line of a MIMIC CSV or list (the longest
// real metadata line is a few hundred bytes; a report quoted into a CSV is
// split into lines too). A file without a newline in this many bytes (a
// corrupt or hostile file, /dev/zero behind a .csv name) is refused before
// any reader buffers it whole.
const MaxLineBytes = 1 << 20

// ErrLineTooLong is returned by readers of Open when a line exceeds
// MaxLineBytes.
var ErrLineTooLong = errors.New("line too long")

// lineLimitReader fails once more than max bytes pass without a newline.
type lineLimitReader struct {
	r    io.Reader
	path string
	max  int
	run  int // bytes since the last newline
	line int // newlines seen
}

func (l *lineLimitReader) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	for _, c := range b[:n] {
		if c == '\n' {
			l.run = 0
			l.line++
			continue
		}
		l.run++
		if l.run > l.max {
			return 0, fmt.Errorf("%s: line %d: %w (over %d bytes without a newline)", l.path, l.line+1, ErrLineTooLong, l.max)
		}
	}
	return n, err
}

// pathErrReader names the file in decompression errors, which otherwise
// surface deep inside encoding/csv as a bare "unexpected EOF".
type pathErrReader struct {
	r    io.Reader
	path string
}

// Read reads from the decompressor, naming the file in its errors.
func (p *pathErrReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && err != io.EOF {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%s: truncated gzip stream: %w", p.path, err)
		} else {
			err = fmt.Errorf("%s: gzip: %w", p.path, err)
		}
	}
	return n, err
}
