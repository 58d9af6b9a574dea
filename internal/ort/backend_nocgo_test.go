//go:build !cgo

package ort

import (
	"errors"
	"testing"
)

func TestNoCgo(t *testing.T) {
	if _, err := Open(Config{Model: []byte{1}}); !errors.Is(err, ErrNoCgo) {
		t.Errorf("Open without cgo: err = %v, want ErrNoCgo", err)
	}
	if _, _, err := Load(""); !errors.Is(err, ErrNoCgo) {
		t.Errorf("Load without cgo: err = %v, want ErrNoCgo", err)
	}
}
