package builder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"

	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/mimic"
)

// InputFile identifies one input CSV in the manifest.
type InputFile struct {
	Role   string `json:"role"`
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// loadCatalog locates the MIMIC files, joins them and returns the catalog
// with the input files' hashes.
func loadCatalog(ctx context.Context, o *Options) (*catalog.Catalog, []InputFile, error) {
	files, err := mimic.Locate(o.Mimic)
	if err != nil {
		return nil, nil, err
	}
	reports, err := mimic.OpenReports(o.Reports)
	if err != nil {
		return nil, nil, fmt.Errorf("reports: %w", err)
	}
	defer reports.Close()
	cat, err := catalog.Build(ctx, catalog.Input{Files: files, Reports: reports}, catalog.Options{
		Views: o.Views, Labels: o.Labels, ReportText: o.ReportText, NonUTF8: o.NonUTF8,
		RequireSplit: o.Split == "official"})
	if err != nil {
		return nil, nil, err
	}
	_, format := outputsOf(o)
	setMaskPaths(cat.Records, format)
	var ins []InputFile
	for _, f := range []struct{ role, path string }{
		{"metadata", files.Metadata}, {"split", files.Split}, {"chexpert", files.CheXpert},
		{"negbio", files.NegBio}, {"image_filenames", files.ImageFilenames},
	} {
		if f.path == "" {
			continue
		}
		in, err := hashFile(f.role, f.path)
		if err != nil {
			return nil, nil, err
		}
		ins = append(ins, in)
	}
	return cat, ins, nil
}

// hashFile returns the size and SHA-256 of path.
func hashFile(role, path string) (InputFile, error) {
	f, err := safeio.Open(path)
	if err != nil {
		return InputFile{}, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return InputFile{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return InputFile{Role: role, Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// shardItems returns the items of the shard, in catalog order.
func shardItems(cat *catalog.Catalog, s Shard) []Item {
	rows := slices.Index(cat.MetadataHeader, "Rows")
	cols := slices.Index(cat.MetadataHeader, "Columns")
	var items []Item
	for i := range cat.Records {
		r := &cat.Records[i]
		if s.Has(r.DicomID) {
			items = append(items, itemOf(r, rows, cols))
		}
	}
	return items
}
