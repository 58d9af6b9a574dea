// Package lungdata reads chest X-ray lung-segmentation training sets into a
// common list of items, and loads them (decoded, preprocessed, in memory)
// for training and evaluation.
//
// Layouts understood by Open (the first that matches wins):
//
//   - index: ROOT/index.csv as in ../shared/data/lungseg (columns id, source,
//     image, mask, split, convention, patient, by name; paths relative to
//     ROOT). Splits come from the file.
//   - montgomery: the Montgomery County set: images in a CXR_png folder,
//     masks in ManualMask/leftMask and ManualMask/rightMask with the image's
//     file name; the two lung masks are merged.
//   - jsrt: JSRT raw images (*.IMG: 2048x2048, 16-bit big-endian words
//     holding 12-bit values, no header, higher = darker, so they are
//     inverted to the usual display) anywhere under ROOT, with the SCR
//     masks (folders "left lung" and "right lung" holding <name>.gif, any
//     depth under ROOT, e.g. scr/masks/left lung/JPCLN001.gif; SCR's fold1/
//     fold2 copies are fine, the first found is used). Left and right are
//     merged.
//   - shenzhen: the Shenzhen set as distributed with masks: images in
//     CXR_png (or images), masks in masks (or mask) named <name>_mask.png.
//   - pairs: ROOT/images and ROOT/masks with matching names: the mask of
//     images/a/b.jpg is masks/a/b.<any image extension> or
//     masks/a/b_mask.<ext>.
//
// Layouts without their own split (all but index) get a deterministic
// 80:10:10 train/validate/test split from a hash of the item id, so every
// run and every tool sees the same split.
package lungdata

import (
	"hash/fnv"
	"slices"
)

// Splits, as in the index and CXLSeg.
const (
	Train    = "train"
	Validate = "validate"
	Test     = "test"
)

// Mask conventions. Montgomery, Shenzhen, JSRT and CXLSeg's own sample
// exclude the heart; V7 Labs' polygons include the lung behind it.
const (
	HeartExcluded        = "heart-excluded"
	RetrocardiacIncluded = "retrocardiac-included"
	UnknownConvention    = "unknown"
)

// Item is one image with its lung mask.
type Item struct {
	// ID is unique within a listing, "source/name".
	ID         string
	Source     string
	Split      string
	Convention string
	Patient    string
	// Image is the image file: JPEG, PNG, GIF or JSRT raw (.IMG).
	Image string
	// Masks are one or more mask files whose union is the lung mask (the
	// Montgomery and SCR sets keep each lung in its own file).
	Masks []string
}

// Listing is what a reader found.
type Listing struct {
	// Layout names the layout that matched (see the package doc).
	Layout string
	Items  []Item
	// Unmatched lists image files that had no mask and were left out.
	Unmatched []string
}

// HashSplit assigns an id to train (80 %), validate (10 %) or test (10 %)
// from its FNV-1a hash: stable across runs, machines and versions.
func HashSplit(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	switch v := h.Sum32() % 10; {
	case v == 8:
		return Validate
	case v == 9:
		return Test
	default:
		return Train
	}
}

// Filter returns the items of the given split (all splits when split is
// empty) whose source is in sources (all sources when none are given).
func Filter(items []Item, split string, sources ...string) []Item {
	var out []Item
	for _, it := range items {
		if split != "" && it.Split != split {
			continue
		}
		if len(sources) > 0 && !slices.Contains(sources, it.Source) {
			continue
		}
		out = append(out, it)
	}
	return out
}
