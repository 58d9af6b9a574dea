package mimic

import (
	"bufio"
	"compress/gzip"
	"cxlseg/internal/safeio"
	"errors"
	"fmt"
	"io"
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
		return &readCloser{Reader: &pathErrReader{r: zr, path: name}, closers: []io.Closer{zr, src}}, nil
	}
	return &readCloser{Reader: br, closers: []io.Closer{src}}, nil
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
