package builder

import (
	"strings"

	"github.com/cxlseg/cxlseg/internal/maskqa"
)

// QA holds one image's CXLSeg-qa.csv measure columns (mean_prob through
// flags) as maskqa formats them. Keeping the formatted text in the journal
// makes the CSV written after a resumed run byte-identical to the one of a
// single run.
type QA struct {
	Fields []string `json:"fields"`
	// Note is the journal entry's note (a colour JPEG converted to gray,
	// a size that disagrees with the metadata...), joined in when the CSV
	// is written; the journal keeps it in Entry.Note.
	Note string `json:"-"`
}

// qaHeader is CXLSeg-qa.csv's header: maskqa's columns, then notes.
func qaHeader() []string { return append(maskqa.Header(), "notes") }

// qaOf captures a maskqa result.
func qaOf(r *maskqa.Result) QA {
	return QA{Fields: r.Record("", "", "", "")[4:]}
}

// Flags returns the QA flags.
func (q *QA) Flags() []string {
	if q == nil || len(q.Fields) == 0 || q.Fields[len(q.Fields)-1] == "" {
		return nil
	}
	return strings.Split(q.Fields[len(q.Fields)-1], ";")
}

// qaRow formats one CXLSeg-qa.csv row.
func qaRow(it *Item, q *QA) []string {
	row := []string{it.DicomID, it.SubjectID, it.StudyID, it.DicomPath}
	if q == nil || len(q.Fields) != len(maskqa.Header())-4 {
		return append(row, make([]string, len(qaHeader())-4)...)
	}
	return append(append(row, q.Fields...), q.Note)
}
