package builder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// MergeOptions control Merge.
type MergeOptions struct {
	// Out is the shared output root the shards wrote to.
	Out string
	// Shards is the shard count to merge; 0 means the one found.
	Shards int
	// Mimic and Reports override the input paths recorded by the shards
	// (when the merge runs where the tree is mounted elsewhere).
	Mimic, Reports string
	// Log receives what the merge found.
	Log io.Writer
}

// Merge joins the shards' journals under o.Out into the final CSVs and
// manifest. It proves the result complete: every image the catalog
// selects is accounted for by exactly one shard (segmented, with both
// outputs present, or excluded), and no shard holds images that are not
// its own. Otherwise it fails listing what is missing or duplicated.
func Merge(ctx context.Context, o MergeOptions) (*Counts, error) {
	start := time.Now()
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	shards, err := findShards(o.Out, o.Shards)
	if err != nil {
		return nil, err
	}
	n := len(shards)
	mans := make([]*Manifest, n)
	var problems []string
	for i, dir := range shards {
		m, err := readManifest(filepath.Join(dir, ManifestFile))
		if err != nil {
			problems = append(problems, fmt.Sprintf("shard %d/%d: %v", i, n, err))
			continue
		}
		mans[i] = m
		if m.Status != "complete" {
			problems = append(problems, fmt.Sprintf("shard %d/%d is %s (%s): run it again to finish", i, n, m.Status, m.Error))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("cannot merge %s:\n  %s", o.Out, strings.Join(problems, "\n  "))
	}
	opt := mans[0].Options
	for i, m := range mans[1:] {
		if !opt.sameDataset(&m.Options) {
			return nil, fmt.Errorf("shard %d/%d ran with other parameters than shard 0/%d (labels, split, seed, views, report text, policies, size or mask format differ)", i+1, n, n)
		}
		if m.Version != mans[0].Version || m.Pipeline.CleanupText != mans[0].Pipeline.CleanupText {
			return nil, fmt.Errorf("shard %d/%d ran cxlseg %s (%s), shard 0/%d cxlseg %s (%s): rerun the odd shards with one version",
				i+1, n, m.Version, m.Pipeline.CleanupText, n, mans[0].Version, mans[0].Pipeline.CleanupText)
		}
		if m.Backend.ModelSHA256 != mans[0].Backend.ModelSHA256 {
			return nil, fmt.Errorf("shard %d/%d used model %s, shard 0/%d model %s", i+1, n, m.Backend.ModelSHA256, n, mans[0].Backend.ModelSHA256)
		}
		if p, p0 := m.Backend.precision(), mans[0].Backend.precision(); p != p0 {
			return nil, fmt.Errorf("shard %d/%d ran inference in %s, shard 0/%d in %s: rerun the odd shards with the same --precision", i+1, n, p, n, p0)
		}
	}
	opt.Out = o.Out
	if o.Mimic != "" {
		opt.Mimic, opt.Reports = o.Mimic, o.Mimic
	}
	if o.Reports != "" {
		opt.Reports = o.Reports
	}
	cat, inputs, err := loadCatalog(ctx, &opt)
	if err != nil {
		return nil, err
	}
	if !sameInputs(inputs, mans[0].Inputs) {
		return nil, fmt.Errorf("the input CSVs under %s differ from those the shards read (sha256 in %s)", opt.Mimic, filepath.Join(shards[0], ManifestFile))
	}

	entries := map[string]Entry{}
	var wrong []string
	for i, dir := range shards {
		c, err := ReadJournal(filepath.Join(dir, JournalFile))
		if err != nil {
			return nil, err
		}
		for id, e := range c.Latest() {
			if Of(id, n) != i {
				wrong = append(wrong, fmt.Sprintf("%s in shard %d/%d (belongs to %d/%d)", id, i, n, Of(id, n), n))
				continue
			}
			entries[id] = e
		}
	}
	if len(wrong) > 0 {
		slices.Sort(wrong)
		return nil, fmt.Errorf("%d images journaled by the wrong shard (duplicated work or mixed runs): %s", len(wrong), firstFew(wrong))
	}
	selected := make(map[string]bool, len(cat.Records))
	for i := range cat.Records {
		selected[cat.Records[i].DicomID] = true
	}
	var unknown []string
	for id := range entries {
		if !selected[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%d journaled images are not in the catalog (inputs changed since the shards ran?): %s", len(unknown), firstFew(unknown))
	}
	out, err := join(cat, All, entries)
	var miss *MissingError
	if errors.As(err, &miss) {
		// Name the shards that owe the images (each image belongs to one
		// shard by its id), not the whole-dataset join that found them.
		by := map[int][]string{}
		for _, id := range miss.IDs {
			by[Of(id, n)] = append(by[Of(id, n)], id)
		}
		var lines []string
		for i := range n {
			if ids := by[i]; len(ids) > 0 {
				lines = append(lines, fmt.Sprintf("shard %d/%d (%s): %d selected images not in its journal (cut short or lost?): %s; run that shard again",
					i, n, shards[i], len(ids), firstFew(ids)))
			}
		}
		return nil, fmt.Errorf("cannot merge %s:\n  %s", o.Out, strings.Join(lines, "\n  "))
	}
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", o.Out, err)
	}
	var absent []string
	for i := range out.records {
		r := &out.records[i]
		e := entries[r.DicomID]
		for _, f := range []struct {
			rel  string
			size int64
		}{{r.DicomPath, e.Seg.Size}, {r.MaskPath, e.Mask.Size}} {
			st, err := os.Stat(filepath.Join(o.Out, filepath.FromSlash(f.rel)))
			if err != nil || st.Size() != f.size {
				absent = append(absent, f.rel)
			}
		}
	}
	if len(absent) > 0 {
		return nil, fmt.Errorf("%d output files are missing or have the wrong size (rerun their shards): %s", len(absent), firstFew(absent))
	}
	_, format := outputsOf(&opt)
	counts, err := writeDataset(o.Out, cat, out, opt.Split, opt.Seed, format)
	if err != nil {
		return nil, err
	}
	m := newManifest(&opt, start)
	m.Backend, m.Inputs, m.Decoder, m.Dataset = mans[0].Backend, inputs, mans[0].Decoder, counts
	m.Start = mans[0].Start
	for _, sm := range mans {
		if sm.Start.Before(m.Start) {
			m.Start = sm.Start
		}
		m.Shards = append(m.Shards, sm.Options.Shard.String())
	}
	m.Status, m.End = "complete", time.Now().UTC()
	if err := m.write(filepath.Join(o.Out, ManifestFile)); err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "merged %d shards of %s\n", n, o.Out)
	counts.Print(logw)
	return counts, nil
}

// findShards returns the state folders of shards 0..N-1 under out.
func findShards(out string, want int) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(out, StateDir, "*-of-*"))
	if err != nil {
		return nil, err
	}
	byCount := map[int]map[int]string{}
	for _, d := range dirs {
		var i, n int
		if _, err := fmt.Sscanf(filepath.Base(d), "%d-of-%d", &i, &n); err != nil || n < 1 || i < 0 || i >= n {
			continue
		}
		if byCount[n] == nil {
			byCount[n] = map[int]string{}
		}
		byCount[n][i] = d
	}
	counts := slices.Sorted(maps.Keys(byCount))
	switch {
	case len(counts) == 0:
		return nil, fmt.Errorf("no shard state under %s: run cxlseg build --out %s first", filepath.Join(out, StateDir), out)
	case want == 0 && len(counts) > 1:
		return nil, fmt.Errorf("shards of several counts under %s (%v): pass --shards N", filepath.Join(out, StateDir), counts)
	case want == 0:
		want = counts[0]
	}
	got := byCount[want]
	var missing []string
	shards := make([]string, want)
	for i := range want {
		if d, ok := got[i]; ok {
			shards[i] = d
		} else {
			missing = append(missing, fmt.Sprintf("%d/%d", i, want))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shards never ran (no state folder): %s", firstFew(missing))
	}
	return shards, nil
}

// sameInputs compares input files by role and hash (paths may differ
// between machines).
func sameInputs(a, b []InputFile) bool {
	return slices.EqualFunc(a, b, func(x, y InputFile) bool { return x.Role == y.Role && x.SHA256 == y.SHA256 })
}

// firstFew joins up to 10 items and says how many more there are.
func firstFew(s []string) string {
	const show = 10
	if len(s) <= show {
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(s[:show], ", "), len(s)-show)
}
