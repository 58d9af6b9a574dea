package builder

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/split"
)

// Options are the parameters of a build. The JSON form is recorded in
// manifest.json; merge reads it back to rebuild the same catalog.
type Options struct {
	Mimic      string   `json:"mimic"`
	Reports    string   `json:"reports"`
	Out        string   `json:"out"`
	Backend    string   `json:"backend"`
	Model      string   `json:"model,omitempty"`
	ORTLib     string   `json:"ort_lib,omitempty"`
	CUDA       bool     `json:"cuda,omitempty"`
	Precision  string   `json:"precision,omitempty"` // backend.Config.Precision: fp32, int8, auto (empty)
	Calibrate  string   `json:"calibrate,omitempty"` // backend.Config.Calibrate: int8 ranges for Model
	Batch      int      `json:"batch"`
	Threads    int      `json:"threads"`
	Workers    int      `json:"workers"`
	Labels     string   `json:"labels"`
	Split      string   `json:"split"`
	Seed       uint64   `json:"seed"`
	ReportText string   `json:"report_text"`
	Views      []string `json:"views"`
	NonUTF8    string   `json:"non_utf8"`
	// Truncated is the policy for JPEGs the decoder recovered from
	// (premature end of data): TruncatedSkip excludes them, TruncatedKeep segments them
	// with a note.
	Truncated Policy `json:"truncated"`
	// SizeMismatch is the policy for a decoded size that disagrees with
	// the metadata's Rows/Columns: MismatchExclude or MismatchKeep (with a
	// note).
	SizeMismatch Policy `json:"size_mismatch"`
	Shard        Shard  `json:"shard"`
	NoResume     bool   `json:"no_resume"`
	// Size is the side of the square outputs: 224 (CXLSeg's format, the
	// default when 0), any side from 32 to MaxSize, or SizeNative for
	// each original's own width and height.
	Size int `json:"size"`
	// MaskFormat is how masks are stored: MaskJPEG (CXLSeg's), MaskPNG
	// (lossless files) or MaskRLE (no mask files: CheXmask-style
	// run-length strings in CXLSeg-mask.csv).
	MaskFormat string `json:"mask_format"`

	// Log receives the summary and messages; Progress the progress
	// display (nil: none).
	Log      io.Writer `json:"-"`
	Progress io.Writer `json:"-"`
	// OpenBackend opens the inference backend; nil opens the one named by
	// Backend with the model in Model (embedded default when empty).
	OpenBackend func(opt *Options) (segment.Backend, BackendInfo, error) `json:"-"`
}

// BackendInfo says which backend and model a build used, and why.
type BackendInfo struct {
	Name          string            `json:"name"`
	Why           string            `json:"why"`
	ModelSource   string            `json:"model_source"`
	ModelSHA256   string            `json:"model_sha256"`
	ModelMetadata map[string]string `json:"model_metadata,omitempty"`
	// Precision is the arithmetic inference ran in: fp32 or int8 (empty in
	// manifests of earlier versions: fp32; see precision).
	Precision string `json:"precision,omitempty"`
}

// precision returns b.Precision, fp32 for manifests written before it
// was recorded.
func (b *BackendInfo) precision() string { return cmp.Or(b.Precision, "fp32") }

// Policy is what the build does with one kind of odd image.
type Policy string

// Policies of Options.Truncated and Options.SizeMismatch.
const (
	TruncatedSkip   Policy = "skip"    // exclude a JPEG the decoder recovered from
	TruncatedKeep   Policy = "keep"    // segment it, with a note
	MismatchKeep    Policy = "keep"    // keep an image whose size disagrees with Rows/Columns, noted
	MismatchExclude Policy = "exclude" // exclude it
)

// Output sizes and mask formats (Options.Size, Options.MaskFormat).
const (
	SizeNative = -1     // Options.Size: each image's own size
	MaxSize    = 4096   // the largest square side
	MaskJPEG   = "jpeg" // <dicom_id>-mask.jpg, CXLSeg's format
	MaskPNG    = "png"  // <dicom_id>-mask.png, lossless
	MaskRLE    = "rle"  // no mask files; RLE column in CXLSeg-mask.csv
)

// MaxBatch is the largest inference batch a build accepts.
const MaxBatch = 256

// Defaults returns the options of a plain `cxlseg build`.
func Defaults() Options {
	return Options{Backend: "auto", Batch: 8, Labels: catalog.LabelsCheXpert, Split: string(split.ModeCXLSeg),
		Seed: split.DefaultSeed, ReportText: catalog.ReportSections, Views: catalog.DefaultViews(),
		NonUTF8: catalog.NonUTF8Exclude, Truncated: TruncatedSkip, SizeMismatch: MismatchKeep, Shard: All,
		Size: segment.Size, MaskFormat: MaskJPEG}
}

// SizeText renders Options.Size as the --size flag spells it.
func SizeText(size int) string {
	if size == SizeNative {
		return "native"
	}
	return strconv.Itoa(size)
}

// ParseSize reads a --size value: a side in pixels or "native".
func ParseSize(s string) (int, error) {
	if s == "native" {
		return SizeNative, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 32 || n > MaxSize {
		return 0, fmt.Errorf("--size %q: want a side from 32 to %d pixels, or native", s, MaxSize)
	}
	return n, nil
}

// outputsOf fills the defaults of the output fields, so that manifests
// written before they existed compare as the 224 JPEG builds they were.
func outputsOf(o *Options) (size int, format string) {
	size, format = o.Size, o.MaskFormat
	if size == 0 {
		size = segment.Size
	}
	if format == "" {
		format = MaskJPEG
	}
	return size, format
}

// check validates the options and fills zero values with defaults.
func (o *Options) check() error {
	d := Defaults()
	if o.Mimic == "" || o.Out == "" {
		return fmt.Errorf("both --mimic and --out are required")
	}
	if o.Reports == "" {
		o.Reports = o.Mimic
	}
	switch {
	case o.Batch < 0 || o.Batch > MaxBatch:
		return fmt.Errorf("Options.Batch %d outside 1..%d (each image of a batch holds about 1 MB of buffers per stage)", o.Batch, MaxBatch)
	case o.Threads < 0:
		return fmt.Errorf("Options.Threads %d: want 0 (all cores) or more", o.Threads)
	case o.Workers < 0:
		return fmt.Errorf("Options.Workers %d: want 0 (all cores) or more", o.Workers)
	}
	if o.Batch == 0 {
		o.Batch = d.Batch
	}
	if o.Split == "" {
		o.Split = d.Split
	}
	if _, err := split.ParseMode(o.Split); err != nil {
		return err
	}
	if o.Views == nil {
		o.Views = d.Views
	}
	if o.Truncated == "" {
		o.Truncated = d.Truncated
	}
	if o.Truncated != TruncatedSkip && o.Truncated != TruncatedKeep {
		return fmt.Errorf("Options.Truncated %q: want %q or %q", o.Truncated, TruncatedSkip, TruncatedKeep)
	}
	if o.SizeMismatch == "" {
		o.SizeMismatch = d.SizeMismatch
	}
	if o.SizeMismatch != MismatchKeep && o.SizeMismatch != MismatchExclude {
		return fmt.Errorf("Options.SizeMismatch %q: want %q or %q", o.SizeMismatch, MismatchKeep, MismatchExclude)
	}
	o.Size, o.MaskFormat = outputsOf(o)
	if o.Size != SizeNative && (o.Size < 32 || o.Size > MaxSize) {
		return fmt.Errorf("Options.Size %d: want 32..%d, or SizeNative", o.Size, MaxSize)
	}
	switch o.MaskFormat {
	case MaskJPEG, MaskPNG, MaskRLE:
	default:
		return fmt.Errorf("mask format %q: want %s, %s or %s", o.MaskFormat, MaskJPEG, MaskPNG, MaskRLE)
	}
	if o.Shard.Count == 0 {
		o.Shard = All
	}
	if o.Shard.Count < 1 || o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count {
		return fmt.Errorf("shard %s: want 0 <= i < N", o.Shard)
	}
	return nil
}

// sameDataset reports whether two shard runs would produce parts of one
// dataset (the parameters that change which images and which CSV values
// come out agree).
func (o *Options) sameDataset(p *Options) bool {
	return o.Labels == p.Labels && o.Split == p.Split && o.Seed == p.Seed && o.ReportText == p.ReportText &&
		slices.Equal(o.Views, p.Views) && o.NonUTF8 == p.NonUTF8 && o.Truncated == p.Truncated &&
		o.SizeMismatch == p.SizeMismatch && o.Shard.Count == p.Shard.Count && sameOutputs(o, p)
}

// sameOutputs reports whether two runs write outputs of one size and
// mask format.
func sameOutputs(o, p *Options) bool {
	size, format := outputsOf(o)
	psize, pformat := outputsOf(p)
	return size == psize && format == pformat
}
