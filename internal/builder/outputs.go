package builder

import (
	"fmt"
	"image/jpeg"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/rle"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// rleDir is where --mask-format rle keeps each mask's run-length string
// while the build runs, one small file per image under the output's
// state folder, in the files/ layout: the journal stays small however
// large the masks (a native-size mask takes tens of kB as RLE), and the
// final CSV is written by streaming them in order.
const rleDir = StateDir + "/rle"

// setMaskPaths points each record's MaskPath at the mask output of the
// format: files/.../<id>-mask.jpg (CXLSeg's), -mask.png, or the RLE
// string's file under rleDir.
func setMaskPaths(rs []catalog.Record, format string) {
	for i := range rs {
		rs[i].MaskPath = maskRel(rs[i].MaskPath, format)
	}
}

// maskRel converts a CXLSeg mask path (files/.../<id>-mask.jpg) to the
// format's.
func maskRel(jpg, format string) string {
	base := strings.TrimSuffix(jpg, ".jpg")
	switch format {
	case MaskPNG:
		return base + ".png"
	case MaskRLE:
		return rleDir + "/" + base + ".rle"
	}
	return jpg
}

// safeMaskRel checks a mask path like safeRelPath, allowing the RLE
// files' folder in front.
func safeMaskRel(p string) bool {
	if rest, ok := strings.CutPrefix(p, rleDir+"/"); ok {
		p = rest
	}
	return safeRelPath(p)
}

// outputDims returns the width and height of an image's outputs for the
// build's size, given the decoded original's.
func outputDims(size, w, h int) (int, int) {
	if size == SizeNative {
		return w, h
	}
	return size, size
}

// validOutput checks one output file's size and, for images, that its
// header decodes with the expected dimensions (w x h).
func validOutput(file string, size int64, w, h int) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 || st.Size() != size {
		return false
	}
	var cw, ch int
	switch path.Ext(file) {
	case ".rle":
		return true
	case ".png":
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			return false
		}
		cw, ch = cfg.Width, cfg.Height
	default:
		cfg, err := jpeg.DecodeConfig(f)
		if err != nil {
			return false
		}
		cw, ch = cfg.Width, cfg.Height
	}
	return cw == w && ch == h
}

// entryDims returns the output size a journal entry records; entries from
// before sizes were journaled are 224x224.
func entryDims(e *Entry) (int, int) {
	if e.Width == 0 || e.Height == 0 {
		return segment.Size, segment.Size
	}
	return e.Width, e.Height
}

// rleReader returns the CXLSeg-mask.csv RLE column source for records rs
// (parallel to dims, the journaled output sizes): each call reads one
// mask's RLE file under out.
func rleReader(out string, rs []catalog.Record, dims [][2]int) func(i int) (rle.Mask, error) {
	return func(i int) (rle.Mask, error) {
		p := filepath.Join(out, filepath.FromSlash(rs[i].MaskPath))
		b, err := os.ReadFile(p)
		if err != nil {
			return rle.Mask{}, fmt.Errorf("RLE mask of %s: %w (rerun the build: it redoes the image)", rs[i].DicomID, err)
		}
		return rle.Mask{Width: dims[i][0], Height: dims[i][1], Counts: string(b)}, nil
	}
}
