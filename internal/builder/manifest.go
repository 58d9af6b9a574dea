package builder

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/cxlseg/cxlseg/internal/cxlcsv"

	"github.com/cxlseg/cxlseg/internal/imgproc"
	"github.com/cxlseg/cxlseg/internal/maskqa"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/segment"
	"github.com/cxlseg/cxlseg/internal/version"
)

// ManifestFile is the provenance record's name, in the output root (final
// dataset) and in each shard's state folder.
const ManifestFile = cxlcsv.ManifestFile

// Manifest is the provenance of a build: what ran, on what, with which
// parameters and model, when, and what came out.
type Manifest struct {
	Tool      string      `json:"tool"`
	Version   string      `json:"version"`
	GoVersion string      `json:"go_version"`
	Status    string      `json:"status"` // running, interrupted, failed, complete
	Error     string      `json:"error,omitempty"`
	Options   Options     `json:"parameters"`
	Backend   BackendInfo `json:"backend"`
	Decoder   string      `json:"decoder,omitempty"`
	// Pipeline records the fixed per-image parameters: the model's
	// preprocessing, the mask clean-up and the QA flag thresholds.
	Pipeline PipelineParams `json:"pipeline"`
	Inputs   []InputFile    `json:"inputs"`
	Start    time.Time      `json:"start"`
	End      time.Time      `json:"end,omitzero"`
	Host     string         `json:"host,omitempty"`
	// Run is what this process did (this shard, this attempt).
	Run *Stats `json:"run,omitempty"`
	// Dataset counts the written CSVs (complete builds and merges).
	Dataset *Counts `json:"dataset,omitempty"`
	// Shards lists the shard manifests a merge joined.
	Shards []string `json:"shards,omitempty"`
}

// PipelineParams are the per-image settings that are not flags.
type PipelineParams struct {
	Preprocessing string `json:"preprocessing"`
	// SegmentedSize is the side of the square outputs, or 0 when each
	// keeps its original's size (OutputSize says "native").
	SegmentedSize   int    `json:"segmented_size"`
	OutputSize      string `json:"output_size"`
	SegmentedResize string `json:"segmented_resize"`
	MaskFormat      string `json:"mask_format"`
	// MaskScaling says how masks other than 224x224 are made.
	MaskScaling  string              `json:"mask_scaling,omitempty"`
	Cleanup      imgproc.CleanParams `json:"cleanup"`
	CleanupText  string              `json:"cleanup_text"`
	QAThresholds maskqa.Thresholds   `json:"qa_thresholds"`
}

func newManifest(o *Options, start time.Time) *Manifest {
	host, _ := os.Hostname()
	cp := imgproc.DefaultCleanParams()
	size, format := outputsOf(o)
	pp := PipelineParams{Preprocessing: preprocess.ID, SegmentedSize: max(size, 0), OutputSize: SizeText(size),
		SegmentedResize: "linear (OpenCV INTER_LINEAR) from full resolution, then AND mask", MaskFormat: format,
		Cleanup: cp, CleanupText: cp.String(), QAThresholds: maskqa.DefaultThresholds()}
	if size == SizeNative {
		pp.SegmentedResize = "none (the original at its own size), then AND mask"
	}
	if size != segment.Size {
		pp.MaskScaling = "clean-up at 224, its decisions carried into the probability map (added pixels 1, removed 0), " +
			"bilinear (OpenCV INTER_LINEAR) upsampling to the output size, then > threshold (imgproc.MaskScaler); QA at 224"
	}
	return &Manifest{Tool: "cxlseg", Version: version.Version, GoVersion: runtime.Version(),
		Status: "running", Options: *o, Start: start.UTC(), Host: host, Pipeline: pp}
}

// write saves the manifest atomically.
func (m *Manifest) write(path string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// readManifest loads a manifest file.
func readManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	return &m, nil
}
