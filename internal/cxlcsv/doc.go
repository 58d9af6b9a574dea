// Package cxlcsv writes CXLSeg's CSVs: CXLSeg-metadata.csv,
// CXLSeg-split.csv, CXLSeg-segmented.csv, CXLSeg-mask.csv (SPEC section 3)
// and CXLSeg-exclusions.csv.
//
// Every file is written atomically (a temporary file in the same folder,
// synced, then renamed over the target), so a reader never sees half a
// file and a crash leaves the previous version intact. Rows are written in
// canonical order (subject_id, study_id numerically, then dicom_id)
// whatever order the records come in, and encoding/csv quotes the same
// way every time, so the same records give byte-identical files. Lines end
// in "\n"; fields holding commas, quotes or newlines (report texts) are
// quoted as RFC 4180 describes, which pandas and Python's csv read.
package cxlcsv
