package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cxlseg/cxlseg/internal/safeio"

	"github.com/cxlseg/cxlseg/internal/mimic"
)

// ctxEvery is how many rows pass between checks for cancellation.
const ctxEvery = 4096

// selectImages streams the metadata and applies the per-row checks (ids,
// duplicates, view, image present), appending candidate records and
// exclusions.
func (c *Catalog) selectImages(ctx context.Context, r *mimic.MetadataReader, root string, opt Options, images mimic.ImageIndex) error {
	c.MetadataHeader = append([]string(nil), r.Header()...)
	views := make(map[string]bool, len(opt.Views))
	for _, v := range opt.Views {
		views[v] = true
	}
	exclude := func(row *mimic.MetadataRow, reason, detail string) {
		// Copies: the ids are substrings of the row's line, which would
		// otherwise stay in memory for every excluded row.
		c.Exclusions = append(c.Exclusions, Exclusion{DicomID: strings.Clone(row.DicomID),
			SubjectID: strings.Clone(row.SubjectID), StudyID: strings.Clone(row.StudyID), Reason: reason, Detail: detail})
	}
	return r.ReadAll(func(row mimic.MetadataRow) error {
		c.Rows++
		if c.Rows%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if row.Err != nil {
			if opt.Strict {
				return fmt.Errorf("read %w", row.Err)
			}
			exclude(&row, row.Err.Reason, fmt.Sprintf("%s line %d: %s", filepath.Base(row.Err.File), row.Err.Line, row.Err.Detail))
			return nil
		}
		if !views[row.ViewPosition] {
			exclude(&row, ReasonNotFrontal, fmt.Sprintf("ViewPosition %q", row.ViewPosition))
			return nil
		}
		rec := Record{DicomID: row.DicomID, SubjectID: row.SubjectID, StudyID: row.StudyID,
			Subject: row.Subject, Study: row.Study, ViewPosition: row.ViewPosition, Metadata: row.Fields}
		// The reader validated the ids, so the paths cannot fail.
		rec.DicomPath, _ = mimic.ImagePath(row.SubjectID, row.StudyID, row.DicomID)
		rec.MaskPath = strings.TrimSuffix(rec.DicomPath, ".jpg") + "-mask.jpg"
		if err := images.Check(rec.DicomPath); err != nil {
			// Details are relative, so the CSV does not depend on where
			// the tree is.
			reason, detail := ReasonMissingImage, err.Error()
			switch {
			case errors.Is(err, safeio.ErrNotRegular):
				reason = ReasonNotRegular
			case errors.Is(err, mimic.ErrNotListed):
				detail = rec.DicomPath + " not listed in IMAGE_FILENAMES"
			case errors.Is(err, mimic.ErrNotFound):
				detail = rec.DicomPath + " not found"
			}
			exclude(&row, reason, detail)
			return nil
		}
		rec.SourcePath = filepath.Join(root, filepath.FromSlash(rec.DicomPath))
		if strings.HasSuffix(rec.SourcePath, rec.DicomPath) {
			// Share the bytes: DicomPath is the tail of SourcePath where
			// the separator is '/', which saves a string per record.
			rec.DicomPath = rec.SourcePath[len(rec.SourcePath)-len(rec.DicomPath):]
		}
		c.Records = append(c.Records, rec)
		return nil
	})
}

// dropRecords moves the records for which reason returns a non-empty
// reason to the exclusions, keeping the order of the rest.
func (c *Catalog) dropRecords(reason func(r *Record) (string, string)) {
	kept := c.Records[:0]
	for i := range c.Records {
		r := c.Records[i] // a copy: kept may overwrite c.Records[i] below
		if why, detail := reason(&r); why != "" {
			c.Exclusions = append(c.Exclusions, Exclusion{DicomID: r.DicomID, SubjectID: r.SubjectID, StudyID: r.StudyID, Reason: why, Detail: detail})
			continue
		}
		kept = append(kept, r)
	}
	// Clear the tail so dropped records' memory can be freed.
	clear(c.Records[len(kept):])
	c.Records = kept
}
