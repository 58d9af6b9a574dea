package dataset_test

import (
	"fmt"
	"log"
	"os"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// ExampleOpen opens a built dataset and walks its training split. (The
// example writes a tiny fake dataset first; point Open at the output
// directory of `cxlseg build` instead.)
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "cxlseg-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := datasettest.Write(dir, datasettest.Options{NoImages: true}); err != nil {
		log.Fatal(err)
	}

	ds, err := dataset.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range dataset.Splits() {
		fmt.Printf("%s: %d images\n", s, ds.Count(s))
	}
	for r := range ds.Records(dataset.Train) {
		eff, _ := r.Labels.Get("Pleural Effusion")
		fmt.Printf("%s effusion=%s mask=%s\n", r.DicomID[:8], eff.Name(), r.MaskRel)
	}
	// Output:
	// train: 4 images
	// validate: 2 images
	// test: 2 images
	// 1a2b3c00 effusion=negative mask=files/p10/p10000032/s50414267/1a2b3c00-deadbe00-10000000-abc00000-4e384000-mask.jpg
	// 1a2b3c02 effusion=missing mask=files/p11/p11111143/s50414293/1a2b3c02-deadbe0e-10000006-abc00002-4e384016-mask.jpg
	// 1a2b3c04 effusion=negative mask=files/p12/p12222254/s50414319/1a2b3c04-deadbe1c-1000000c-abc00004-4e38402c-mask.jpg
	// 1a2b3c07 effusion=positive mask=files/p13/p13333365/s50414358/1a2b3c07-deadbe31-10000015-abc00007-4e38404d-mask.jpg
}

// ExampleRecord_Meta reads a MIMIC metadata column and the QA flags of one
// image.
func ExampleRecord_Meta() {
	dir, err := os.MkdirTemp("", "cxlseg-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ims, err := datasettest.Write(dir, datasettest.Options{NoImages: true})
	if err != nil {
		log.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	r, _ := ds.Lookup(ims[3].DicomID)
	view, _ := r.Meta("ViewPosition")
	fmt.Println(view, r.QA.Flags, r.QA.HasFlag(dataset.FlagLowQuality), r.QA.EstDice)
	// Output: AP [low_confidence implausible_area low_quality] true 0.86
}

// Masks of a dataset built with --mask-format rle are CheXmask-style
// run-length strings; DecodeRLE turns one into an image, and EncodeRLE is
// its inverse.
func ExampleDecodeRLE() {
	// A 4x3 mask: pixels 2-3 of the first row and the first two of the
	// third (pixels 9-10 counting row by row from 1).
	m, err := dataset.DecodeRLE("2 2 9 2", 4, 3)
	if err != nil {
		panic(err)
	}
	for y := range 3 {
		fmt.Println(m.Pix[y*4 : y*4+4])
	}
	fmt.Println(dataset.EncodeRLE(m))
	// Output:
	// [0 255 255 0]
	// [0 0 0 0]
	// [255 255 0 0]
	// 2 2 9 2
}
