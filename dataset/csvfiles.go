package dataset

import (
	"io"
)

// segRow is a record read from CXLSeg-segmented.csv plus the row it came
// from, so that join errors can point at it.
type segRow struct {
	rec Record
	row int
}

// readSplit reads CXLSeg-split.csv into a map from dicom_id to split.
func readSplit(name string, r io.Reader) (map[string]Split, error) {
	t, err := newTable(name, r, colDicomID, colSplit)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Split)
	err = t.each(func() error {
		id, err := uniqueID(t, out)
		if err != nil {
			return err
		}
		sp, err := parseSplit(t.get(colSplit))
		if err != nil {
			return t.errorf("%v", err)
		}
		out[id] = sp
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readSegmented reads CXLSeg-segmented.csv: ids, DicomPath and the 14
// labels, each label matched by its column name.
func readSegmented(name string, r io.Reader) ([]segRow, error) {
	required := append([]string{colDicomID, colSubjectID, colStudyID, colDicomPath}, LabelNames()...)
	t, err := newTable(name, r, required...)
	if err != nil {
		return nil, err
	}
	labelCols := make([]int, NumLabels)
	for i, n := range LabelNames() {
		labelCols[i] = t.cols[n]
	}
	seen := make(map[string]bool)
	var out []segRow
	err = t.each(func() error {
		var rec Record
		var err error
		if rec.DicomID, err = uniqueID(t, seen); err != nil {
			return err
		}
		seen[rec.DicomID] = true
		if rec.SubjectID, err = parseID(colSubjectID, t.get(colSubjectID)); err != nil {
			return t.errorf("%v", err)
		}
		if rec.StudyID, err = parseID(colStudyID, t.get(colStudyID)); err != nil {
			return t.errorf("%v", err)
		}
		rec.ImageRel = t.get(colDicomPath)
		if err := checkRelPath(rec.ImageRel); err != nil {
			return t.errorf("%v", err)
		}
		for i, c := range labelCols {
			v, err := ParseLabel(t.row[c])
			if err != nil {
				return t.errorf("column %q: %v", LabelNames()[i], err)
			}
			rec.Labels[i] = v
		}
		out = append(out, segRow{rec: rec, row: t.n})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// metadata is CXLSeg-metadata.csv: its header and one row per dicom_id.
type metadata struct {
	header []string
	cols   map[string]int
	rows   map[string][]string
}

// readMetadata reads CXLSeg-metadata.csv, keeping every column so that
// Record.Meta can return any of them.
func readMetadata(name string, r io.Reader) (*metadata, error) {
	t, err := newTable(name, r, colDicomID, colReports)
	if err != nil {
		return nil, err
	}
	m := &metadata{header: t.header, cols: t.cols, rows: make(map[string][]string)}
	err = t.each(func() error {
		id, err := uniqueID(t, m.rows)
		if err != nil {
			return err
		}
		m.rows[id] = t.rowCopy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
