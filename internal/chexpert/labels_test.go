package chexpert

import (
	"sort"
	"testing"
)

func TestOrdersHoldTheSameNames(t *testing.T) {
	a := Alphabetical[:]
	if !sort.StringsAreSorted(a) {
		t.Errorf("Alphabetical is not sorted: %v", a)
	}
	b := append([]string(nil), LabelerOrder[:]...)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("orders differ at %d: %q vs %q", i, a[i], b[i])
		}
	}
}
