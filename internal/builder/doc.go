// Package builder turns a MIMIC-CXR-JPG tree into the CXLSeg dataset: the
// engine behind `cxlseg build`, `cxlseg merge` and `cxlseg demo`.
//
// # Pipeline
//
// The images come from the catalog (package catalog: metadata, split,
// labels and reports joined, selection and its exclusions done), never
// from a directory walk. Each image of this shard flows through
//
//	read -> decode -> linear resize to the output size (segmented output;
//	                  224 by default, Options.Size; the original at native)
//	               -> preprocess.Apply (model input, always 224)
//	-> batched inference on one segment.Backend (batch 8 by default)
//	-> Cleaner.Clean at 224 [-> MaskScaler to the output size] -> And
//	-> EncodeSegmented + the mask as JPEG, PNG or an RLE string
//	-> atomic writes of both outputs -> maskqa (at 224) -> journal line
//
// with a bounded pool of read/decode workers (one per core), one goroutine
// owning the backend, and a smaller pool for clean-up, encoding and writes.
// Images travel in a fixed set of slots whose buffers are reused, so memory
// does not grow with the number of images.
//
// # Never losing work
//
// Outputs are written to a temporary file in their folder and renamed into
// place; only then does the image's line go to the journal
// (OUT/shards/<i>-of-<N>/journal.jsonl). Each line is "<crc32c> <json>",
// written with one write(2) so a killed process loses none it wrote, and
// fsync'd in batches. A torn or corrupt line (crash mid-write) fails its
// checksum and is dropped on the next start, and the file is cut back to
// its last good line. A resumed run (the default) skips an image when its
// journal line exists and both outputs exist with the journaled size and a
// header that decodes at the build's output size; permanent exclusions (corrupt JPEG, ...)
// are kept, while those that may heal (missing image, unwritable folder)
// are retried. The final CSVs are written from the journal and the catalog
// in the catalog's canonical order, so a run killed any number of times
// and resumed writes the same bytes as an uninterrupted one (tested with
// SIGKILL). A changed model, per-image policy, output size, mask format or
// inference precision refuses to resume. RLE masks are kept as one small
// file each under OUT/shards/rle/ (the mask "output" a resumed run checks)
// and streamed into CXLSeg-mask.csv at the end.
//
// # Bad input
//
// Every problem with one image becomes a row of CXLSeg-exclusions.csv and
// the run goes on: the catalog's reasons (bad_id, duplicate, not_frontal,
// missing_image, no_report, empty_report, ...) and the pipeline's
// (missing_image when a file vanished, zero_byte_file, read_error,
// corrupt_jpeg, unsupported_jpeg, truncated_jpeg with --truncated skip,
// bad_dimensions, size_mismatch with --size-mismatch exclude,
// output_not_writable, unsafe_path); outputs an earlier run wrote for an
// image that is now excluded are removed, so the tree holds exactly the
// images the CSVs list. Colour JPEGs are converted to gray
// and a decoded size that disagrees with Rows/Columns is kept by default;
// both are noted in the journal. A full disk (ENOSPC, EDQUOT) or a failing
// backend stops the run after the images in flight, with a message saying
// to rerun the same command, which resumes.
//
// # Shards
//
// Image d belongs to shard FNV-1a-64(dicom_id) mod N, fixed forever, so
// shards are disjoint and complete by construction. A shard writes images
// into the shared tree and its journal, manifest and partial QA and
// exclusion CSVs under OUT/shards/<i>-of-<N>/. Merge checks every shard
// finished with the same parameters, model and inputs, that every
// selected image is accounted for by exactly its own shard and that its
// outputs exist, then writes the final CSVs and manifest.json exactly as
// an unsharded build would (an unsharded build is shard 0-of-1).
package builder
