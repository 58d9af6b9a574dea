// Command readdataset shows a Go program outside the cxlseg module reading a
// built CXLSeg dataset with the public package github.com/cxlseg/cxlseg/dataset:
// images per split, and the masks least likely to be right (lowest
// estimated Dice).
//
//	go run . /data/cxlseg
package main

import (
	"fmt"
	"log"
	"math"
	"os"
	"slices"

	"github.com/cxlseg/cxlseg/dataset"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: readdataset DATASET_DIR")
	}
	ds, err := dataset.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range dataset.Splits() {
		fmt.Printf("%-8s %d images\n", s, ds.Count(s))
	}
	var recs []dataset.Record
	for r := range ds.All() {
		if r.QA != nil && !math.IsNaN(r.QA.EstDice) {
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b dataset.Record) int {
		switch {
		case a.QA.EstDice < b.QA.EstDice:
			return -1
		case a.QA.EstDice > b.QA.EstDice:
			return 1
		}
		return 0
	})
	for _, r := range recs[:min(5, len(recs))] {
		fmt.Printf("est_dice %.3f  %s  flags %v\n", r.QA.EstDice, r.MaskPath, r.QA.Flags)
	}
}
