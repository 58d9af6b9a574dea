// Package catalog joins MIMIC-CXR-JPG's metadata, split and label CSVs and
// the MIMIC-CXR report texts into one record per selected image, and
// records every image it leaves out, with the reason, for
// CXLSeg-exclusions.csv.
//
// Selection, in the order the checks run (an image gets the first reason
// that applies, so every metadata row ends up either as a Record or as
// exactly one Exclusion):
//
//  1. bad_id: subject_id or study_id not a canonical number, or a
//     dicom_id that is not a safe file name (see mimic.CheckDicomID);
//  2. bad_text: a field holds a NUL or another control character, or
//     invalid UTF-8 (it would reach the output CSVs);
//  3. duplicate: a dicom_id already seen earlier in the metadata file;
//  4. not_frontal: ViewPosition outside Options.Views (default AP, PA);
//  5. missing_image: not in IMAGE_FILENAMES, or not under the root;
//     not_regular_file: the path is a folder, FIFO, device or socket;
//  6. id_mismatch: the split file gives the image another subject/study;
//  7. no_split: absent from the split file, when Options.RequireSplit;
//  8. no_report, report_unreadable, report_not_utf8, empty_report: the
//     study's report is missing, cannot be read, is not UTF-8 (policy
//     "exclude", the default) or its chosen text is empty. As in the
//     CXLSeg paper, images without a usable report are dropped.
//
// Non-UTF-8 reports: MIMIC-CXR's reports are ASCII, so invalid UTF-8 means
// a damaged file; by default the study's images are excluded and the
// byte offset is named in the detail. Options.NonUTF8 = "latin1" instead
// decodes the bytes as ISO 8859-1 (every byte is a character, so decoding
// never fails) and lists the study in Catalog.Warnings.
//
// Exclusion details name files by base name and images and reports by
// their relative paths, so CXLSeg-exclusions.csv does not depend on where
// the inputs are (only rare I/O errors quote the full path).
//
// Records and exclusions come out sorted by (subject_id, study_id,
// dicom_id), ids compared numerically, so the same inputs always give the
// same order.
package catalog
