package split

import (
	"fmt"
	"sort"
)

// Split names, as written in CXLSeg-split.csv and MIMIC's split file.
const (
	Train    = "train"
	Validate = "validate"
	Test     = "test"
)

// Mode selects how images are assigned to splits.
type Mode string

// The split modes; see the package documentation.
const (
	ModeCXLSeg   Mode = "cxlseg"
	ModePatient  Mode = "patient"
	ModeOfficial Mode = "official"
)

// DefaultSeed is the seed the command line uses unless told otherwise.
const DefaultSeed uint64 = 20230101

// ParseMode checks a mode name from the command line.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeCXLSeg, ModePatient, ModeOfficial:
		return m, nil
	}
	return "", fmt.Errorf("unknown split mode %q (want cxlseg, patient or official)", s)
}

// Item is one image to assign.
type Item struct {
	DicomID string // unique per item
	Subject string // patient id, for the patient mode
	// Official is MIMIC's split for the image (train, validate or test),
	// used only by the official mode.
	Official string
}

// Targets returns CXLSeg's split sizes for n images: validate = test =
// floor(n/10), the rest train.
func Targets(n int) (train, validate, test int) {
	v := n / 10
	return n - 2*v, v, v
}

// Assign returns the split of each item (aligned with items) under mode.
// The result depends only on the items' contents and the seed (the
// official mode ignores the seed). It fails on duplicate dicom_ids, and in
// official mode on an item without a valid official split.
func Assign(items []Item, mode Mode, seed uint64) ([]string, error) {
	order, err := canonical(items)
	if err != nil {
		return nil, err
	}
	switch mode {
	case ModeCXLSeg:
		return byImage(items, order, seed), nil
	case ModePatient:
		return byPatient(items, order, seed), nil
	case ModeOfficial:
		return official(items)
	}
	return nil, fmt.Errorf("unknown split mode %q", mode)
}

// canonical returns item indices sorted by dicom_id.
func canonical(items []Item) ([]int, error) {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return items[order[a]].DicomID < items[order[b]].DicomID })
	for k := 1; k < len(order); k++ {
		if items[order[k]].DicomID == items[order[k-1]].DicomID {
			return nil, fmt.Errorf("split: duplicate dicom_id %q", items[order[k]].DicomID)
		}
	}
	return order, nil
}

// byImage shuffles images and deals validate, then test, then train.
func byImage(items []Item, order []int, seed uint64) []string {
	newRNG(seed).shuffle(order)
	_, nv, nt := Targets(len(items))
	out := make([]string, len(items))
	for k, i := range order {
		switch {
		case k < nv:
			out[i] = Validate
		case k < nv+nt:
			out[i] = Test
		default:
			out[i] = Train
		}
	}
	return out
}

// byPatient shuffles patients and deals them whole: to validate until it
// holds at least floor(n/10) images, then to test likewise, the rest to
// train. The overshoot is at most one patient's images per split.
func byPatient(items []Item, order []int, seed uint64) []string {
	// Patients in order of first appearance in canonical (dicom_id)
	// order, then sorted by id so the shuffle input is canonical too.
	groups := map[string][]int{}
	var subjects []string
	for _, i := range order {
		s := items[i].Subject
		if _, ok := groups[s]; !ok {
			subjects = append(subjects, s)
		}
		groups[s] = append(groups[s], i)
	}
	sort.Strings(subjects)
	perm := make([]int, len(subjects))
	for i := range perm {
		perm[i] = i
	}
	newRNG(seed).shuffle(perm)
	_, nv, nt := Targets(len(items))
	out := make([]string, len(items))
	var inV, inT int
	for _, p := range perm {
		g := groups[subjects[p]]
		name := Train
		switch {
		case inV < nv:
			name, inV = Validate, inV+len(g)
		case inT < nt:
			name, inT = Test, inT+len(g)
		}
		for _, i := range g {
			out[i] = name
		}
	}
	return out
}

// official copies each item's MIMIC split.
func official(items []Item) ([]string, error) {
	out := make([]string, len(items))
	for i, it := range items {
		switch it.Official {
		case Train, Validate, Test:
			out[i] = it.Official
		case "":
			return nil, fmt.Errorf("split: image %s has no official split (not in mimic-cxr-2.0.0-split.csv)", it.DicomID)
		default:
			return nil, fmt.Errorf("split: image %s has unknown official split %q", it.DicomID, it.Official)
		}
	}
	return out, nil
}

// Count tallies assignments per split name.
func Count(splits []string) map[string]int {
	c := map[string]int{}
	for _, s := range splits {
		c[s]++
	}
	return c
}
