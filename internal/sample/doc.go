// Package sample writes a small tree shaped like MIMIC-CXR-JPG v2 (plus
// MIMIC-CXR's report files): the default input of `cxlseg demo` and of
// end-to-end tests.
//
// The tree holds the twelve CC BY 3.0 demo radiographs embedded in this
// package (demo/, with ATTRIBUTION.md) under made-up, well-formed ids,
// the four CSVs (metadata, split, chexpert, negbio; gzip-compressed as
// MIMIC ships them), IMAGE_FILENAMES, and one report per study in
// MIMIC's layout. It gives selection work to do: lateral and other
// non-frontal rows, a frontal study without a report file, one with an
// empty report, and a metadata row whose image file is missing.
// Optionally it adds synthetic phantom radiographs at MIMIC's size with
// their lung masks.
//
// Everything is deterministic: the same Options give the same bytes.
package sample
