package dataset

import (
	"encoding/csv"
	"fmt"
	"image"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"
	"github.com/cxlseg/cxlseg/internal/rle"
)

// Mask storage formats of a dataset (Dataset.MaskFormat), as chosen by
// cxlseg build --mask-format.
const (
	MaskJPEG = "jpeg" // <dicom_id>-mask.jpg files (CXLSeg's format)
	MaskPNG  = "png"  // <dicom_id>-mask.png files (lossless)
	MaskRLE  = "rle"  // run-length strings in CXLSeg-mask.csv, no files
)

// Columns of CXLSeg-mask.csv when masks are run-length encoded.
const (
	colLungs  = cxlcsv.MaskRLEColumn
	colHeight = cxlcsv.MaskHeightColumn
	colWidth  = cxlcsv.MaskWidthColumn
)

// maskRef is where one image's mask is: a file (rel), or a row of
// CXLSeg-mask.csv starting at byte off holding its RLE.
type maskRef struct {
	rel           string
	off           int64
	height, width int
}

// maskTable is CXLSeg-mask.csv as read by Open. RLE strings are not kept
// in memory (a native-size dataset's run to gigabytes); LoadMask reads
// one row back from its offset.
type maskTable struct {
	refs   map[string]maskRef
	format string // MaskJPEG, MaskPNG or MaskRLE
	path   string // the file, for RLE rows
	col    int    // index of the Lungs column
}

// maxMaskSide bounds Height and Width: anything larger is not an X-ray
// and would make LoadMask allocate without limit.
const maxMaskSide = 1 << 15

// readMask reads CXLSeg-mask.csv: either a DicomPath column (mask files)
// or the CheXmask-style Lungs, Height and Width columns.
func readMask(name string, r io.Reader) (*maskTable, error) {
	t, err := newTable(name, r, colDicomID)
	if err != nil {
		return nil, err
	}
	mt := &maskTable{refs: make(map[string]maskRef), path: name, format: MaskJPEG}
	if !t.has(colDicomPath) {
		for _, c := range []string{colLungs, colHeight, colWidth} {
			if !t.has(c) {
				return nil, fmt.Errorf("%s: header: want a %q column (mask files) or %q, %q and %q (run-length encoded masks)",
					name, colDicomPath, colLungs, colHeight, colWidth)
			}
		}
		mt.format, mt.col = MaskRLE, t.cols[colLungs]
	}
	err = t.each(func() error {
		id, err := uniqueID(t, mt.refs)
		if err != nil {
			return err
		}
		var ref maskRef
		if mt.format == MaskRLE {
			ref.off = t.off
			if ref.height, err = side(t.get(colHeight)); err != nil {
				return t.errorf("%s: %v", colHeight, err)
			}
			if ref.width, err = side(t.get(colWidth)); err != nil {
				return t.errorf("%s: %v", colWidth, err)
			}
		} else {
			ref.rel = t.get(colDicomPath)
			if err := checkRelPath(ref.rel); err != nil {
				return t.errorf("%v", err)
			}
			if len(mt.refs) == 0 && strings.HasSuffix(ref.rel, ".png") {
				mt.format = MaskPNG
			}
		}
		mt.refs[id] = ref
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mt, nil
}

// side parses a mask Height or Width.
func side(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxMaskSide {
		return 0, fmt.Errorf("%q is not a side from 1 to %d", s, maxMaskSide)
	}
	return n, nil
}

// readRLE reads the run-length string of the mask row at off.
func (mt *maskTable) readRLE(dicomID string, off int64) (string, error) {
	f, err := os.Open(mt.path)
	if err != nil {
		return "", fmt.Errorf("mask of %s: %w", dicomID, err)
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return "", fmt.Errorf("mask of %s: %w", dicomID, err)
	}
	row, err := csv.NewReader(f).Read()
	if err != nil {
		return "", fmt.Errorf("mask of %s: %s at byte %d: %w", dicomID, mt.path, off, err)
	}
	if mt.col >= len(row) || row[0] != dicomID {
		return "", fmt.Errorf("mask of %s: %s changed since the dataset was opened", dicomID, mt.path)
	}
	return row[mt.col], nil
}

// DecodeRLE decodes a CheXmask-style run-length string (the Lungs column
// of an RLE dataset's CXLSeg-mask.csv, or CheXmask's own organ columns) to
// a width x height mask of 0 and 255: starts are 1-based, pixels are
// counted row by row (see package documentation).
func DecodeRLE(counts string, width, height int) (*image.Gray, error) {
	if width < 1 || height < 1 || width > maxMaskSide || height > maxMaskSide {
		return nil, fmt.Errorf("rle: mask size %dx%d outside 1..%d", width, height, maxMaskSide)
	}
	g := image.NewGray(image.Rect(0, 0, width, height))
	if err := rle.Decode(g.Pix, counts, height, width); err != nil {
		return nil, err
	}
	return g, nil
}

// EncodeRLE returns the run-length string of m (pixels >= 128 are lung),
// the inverse of DecodeRLE.
func EncodeRLE(m *image.Gray) string {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	pix := m.Pix
	if m.Stride != w || m.Rect.Min != (image.Point{}) {
		pix = make([]byte, 0, w*h)
		for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
			i := m.PixOffset(m.Rect.Min.X, y)
			pix = append(pix, m.Pix[i:i+w]...)
		}
	}
	return string(rle.Encode(nil, pix))
}

// RLE is a run-length encoded mask as CXLSeg-mask.csv stores it with
// --mask-format rle: the Lungs, Width and Height columns.
type RLE struct {
	Counts        string // "start length ..." (see DecodeRLE)
	Width, Height int
}

// Decode returns the mask as 0/255 gray.
func (m RLE) Decode() (*image.Gray, error) { return DecodeRLE(m.Counts, m.Width, m.Height) }

// MaskRLE returns the record's mask as stored in a dataset built with
// --mask-format rle, read from CXLSeg-mask.csv; ok is false in datasets
// with mask files.
func (r *Record) MaskRLE() (m RLE, ok bool, err error) {
	if r.masks == nil || r.masks.format != MaskRLE {
		return RLE{}, false, nil
	}
	counts, err := r.masks.readRLE(r.DicomID, r.mask.off)
	return RLE{Counts: counts, Width: r.mask.width, Height: r.mask.height}, true, err
}
