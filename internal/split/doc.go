// Package split assigns images to train, validate and test.
//
// Three modes:
//
//   - cxlseg: CXLSeg's published scheme, a seeded image-level shuffle with
//     validate = test = floor(10 % of N) and the rest train (patients may
//     appear in several splits). N = 243,324 gives 194,660 / 24,332 /
//     24,332.
//   - patient: the same targets, but whole patients (subject_id) are dealt
//     out in seeded order, so no patient is in two splits (~80:10:10).
//   - official: MIMIC-CXR-JPG's own split file.
//
// Assignments depend only on the set of items and the seed, not on the
// order the caller passes them in: items are put in canonical order (by
// dicom_id) before shuffling. The shuffle uses the package's own SplitMix64
// generator (rng.go), whose output is fixed by this code and so cannot
// change with a Go release.
package split
