//go:build unix

package safeio

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpenAndReadInto(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err) // not on this OS
	}
	link := filepath.Join(dir, "link")
	os.Symlink(small, link)

	b, err := ReadInto(small, nil, 10)
	if err != nil || string(b) != "hello" {
		t.Errorf("small: %q %v", b, err)
	}
	if b, err := ReadInto(link, make([]byte, 0, 64), 10); err != nil || string(b) != "hello" {
		t.Errorf("link to a regular file: %q %v", b, err)
	}
	if _, err := ReadInto(small, nil, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadInto(fifo, nil, 10); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("fifo: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
	if _, err := Open(dir); !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: %v", err)
	}
	if _, err := Open("/dev/zero"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}
