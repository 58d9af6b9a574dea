package builder

import (
	"strconv"
	"strings"

	"github.com/cxlseg/cxlseg/internal/catalog"
)

// Item is one selected image the build segments.
type Item struct {
	DicomID, SubjectID, StudyID string
	// DicomPath and MaskPath are the outputs' slash paths relative to the
	// output root (files/pXX/pSUBJECT/sSTUDY/<dicom_id>.jpg and -mask.jpg);
	// DicomPath also addresses the original under the MIMIC root.
	DicomPath, MaskPath string
	// Source is the original image's OS path.
	Source string
	// Rows and Columns are the metadata's height and width (0 = unknown).
	Rows, Columns int
}

// itemOf converts a catalog record. rows and cols are the metadata's
// Rows and Columns columns (-1 when absent).
func itemOf(r *catalog.Record, rows, cols int) Item {
	it := Item{DicomID: r.DicomID, SubjectID: r.SubjectID, StudyID: r.StudyID,
		DicomPath: r.DicomPath, MaskPath: r.MaskPath, Source: r.SourcePath}
	if rows >= 0 && rows < len(r.Metadata) {
		it.Rows = atoiOr0(r.Metadata[rows])
	}
	if cols >= 0 && cols < len(r.Metadata) {
		it.Columns = atoiOr0(r.Metadata[cols])
	}
	return it
}

// atoiOr0 parses a decimal count, 0 when it is not one.
func atoiOr0(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}
