package imgproc

import (
	"errors"
	"os"
	"testing"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestDecoderForgetsThePreviousFile: a file without a frame must fail the
// same way on a Decoder that has just decoded a good image as on a fresh
// one, never come back as a warning with the previous image's pixels.
func TestDecoderForgetsThePreviousFile(t *testing.T) {
	good, err := os.ReadFile(testenv.SharedPath(t, "data", "demo", "2168a917.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for i, bad := range [][]byte{
		[]byte("garbage garbage garbage"),
		{0xff, 0xd8, 0xff, 0xd9},
		{0xff, 0xd8, 0xff},
		{0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00},
		good[:20],
	} {
		_, fresh := NewDecoder().Decode(bad)
		used := NewDecoder()
		if _, err := used.Decode(good); err != nil {
			t.Fatal(err)
		}
		img, err := used.Decode(bad)
		if !errors.Is(err, ErrCorrupt) || IsWarning(err) || img != nil {
			t.Errorf("case %d: after a good file: %v (image %v); fresh decoder: %v", i, err, img != nil, fresh)
		}
		if !errors.Is(fresh, ErrCorrupt) {
			t.Errorf("case %d: fresh decoder: %v, want corrupt", i, fresh)
		}
		if _, err := used.Decode(good); err != nil {
			t.Errorf("case %d: good file after the bad one: %v", i, err)
		}
	}
}
