package builder

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// Stats counts what one run did.
type Stats struct {
	// Selected is the number of images of this shard the catalog selected.
	Selected int `json:"selected"`
	// Segmented counts images written in this run.
	Segmented int `json:"segmented"`
	// Skipped counts images complete from an earlier run.
	Skipped int `json:"skipped_resumed"`
	// Excluded counts this run's exclusions by reason.
	Excluded map[string]int `json:"excluded"`
	// Flags counts QA flags over this run's images.
	Flags map[string]int `json:"qa_flags"`
	// Notes counts images kept with a note (e.g. converted from RGB).
	Notes int `json:"notes"`
	// StageSeconds sums the time spent per stage over all workers.
	StageSeconds map[string]float64 `json:"stage_seconds"`
	// WallSeconds is the run's elapsed time, start-up included;
	// PipelineSeconds the time from the first image read to the last
	// image journaled.
	WallSeconds     float64 `json:"wall_seconds"`
	PipelineSeconds float64 `json:"pipeline_seconds"`

	stage [nStages]time.Duration
}

func newStats() *Stats {
	return &Stats{Excluded: map[string]int{}, Flags: map[string]int{}, StageSeconds: map[string]float64{}}
}

// add counts one journaled slot.
func (st *Stats) add(s *slot) {
	for i, d := range s.times {
		st.stage[i] += d
	}
	if s.entry.Status == StatusExcluded {
		st.Excluded[s.entry.Reason]++
		return
	}
	st.Segmented++
	if s.entry.Note != "" {
		st.Notes++
	}
	if s.entry.QA != nil {
		for _, f := range s.entry.QA.Flags() {
			st.Flags[f]++
		}
	}
}

// finish fills the exported per-stage seconds.
func (st *Stats) finish(wall, pipeline time.Duration) {
	st.WallSeconds, st.PipelineSeconds = wall.Seconds(), pipeline.Seconds()
	for i, d := range st.stage {
		st.StageSeconds[stageNames[i]] = d.Seconds()
	}
}

// Rate is images segmented per second of wall time.
func (st *Stats) Rate() float64 {
	if st.WallSeconds <= 0 {
		return 0
	}
	return float64(st.Segmented) / st.WallSeconds
}

// Print writes a human summary: counts, exclusions, flags, throughput and
// the per-stage split of worker time.
func (st *Stats) Print(w io.Writer) {
	fmt.Fprintf(w, "images: %d selected, %d segmented, %d already done (resumed), %d excluded in this run\n",
		st.Selected, st.Segmented, st.Skipped, sumCounts(st.Excluded))
	for _, k := range slices.Sorted(maps.Keys(st.Excluded)) {
		fmt.Fprintf(w, "  excluded %-22s %d\n", k, st.Excluded[k])
	}
	for _, k := range slices.Sorted(maps.Keys(st.Flags)) {
		fmt.Fprintf(w, "  QA flag %-23s %d\n", k, st.Flags[k])
	}
	if st.Notes > 0 {
		fmt.Fprintf(w, "  kept with a note          %d\n", st.Notes)
	}
	pipe := 0.0
	if st.PipelineSeconds > 0 {
		pipe = float64(st.Segmented) / st.PipelineSeconds
	}
	fmt.Fprintf(w, "throughput: %.2f img/s end to end (%d images in %.1f s; %.2f img/s in the pipeline after %.1f s of start-up)\n",
		st.Rate(), st.Segmented, st.WallSeconds, pipe, st.WallSeconds-st.PipelineSeconds)
	var total time.Duration
	for _, d := range st.stage {
		total += d
	}
	if total == 0 || st.Segmented == 0 {
		return
	}
	fmt.Fprintf(w, "worker time per image by stage (sums over threads):\n")
	for i, d := range st.stage {
		fmt.Fprintf(w, "  %-12s %7.2f ms/img %5.1f%%\n", stageNames[i],
			float64(d.Microseconds())/1000/float64(st.Segmented), 100*float64(d)/float64(total))
	}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Print writes the dataset's counts: images per split and exclusions by
// reason (the catalog's and the pipeline's).
func (c *Counts) Print(w io.Writer) {
	fmt.Fprintf(w, "dataset: %d images", c.Images)
	for _, k := range slices.Sorted(maps.Keys(c.Splits)) {
		fmt.Fprintf(w, ", %s %d", k, c.Splits[k])
	}
	fmt.Fprintf(w, "; %d metadata rows, %d exclusions\n", c.MetadataRows, sumCounts(c.Excluded))
	for _, k := range slices.Sorted(maps.Keys(c.Excluded)) {
		fmt.Fprintf(w, "  excluded %-22s %d\n", k, c.Excluded[k])
	}
}
