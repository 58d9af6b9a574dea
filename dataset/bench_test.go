package dataset_test

import (
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// BenchmarkOpen reads and joins the CSVs of a 20,000-image dataset; the
// rows/s metric extrapolates to the full dataset (243,324 images).
func BenchmarkOpen(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	if err := datasettest.WriteLarge(dir, n); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ds, err := dataset.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if ds.Len() != n {
			b.Fatalf("Len %d", ds.Len())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
