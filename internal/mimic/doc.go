// Package mimic reads the MIMIC-CXR-JPG v2 tree: the metadata, split,
// chexpert and negbio CSVs (plain or gzip), IMAGE_FILENAMES, the image
// path layout files/pXX/pSUBJECT/sSTUDY/DICOM.jpg, and the MIMIC-CXR report
// texts (a files/ tree of .txt files or mimic-cxr-reports.zip).
//
// The readers stream: each CSV row is handed to a callback and forgotten,
// so memory is bounded by what the caller keeps. Columns are located by
// name from the header, never by position. Structural problems (a missing
// column, a row with the wrong number of fields, a truncated gzip stream)
// are returned as errors naming the file and line. Problems confined to one
// row's ids (a non-numeric subject_id, an unsafe dicom_id, a duplicate
// dicom_id) are reported as *RowError values so that the caller can record
// the row as an exclusion or stop, as it prefers.
package mimic
