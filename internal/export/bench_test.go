package export

import (
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
)

// BenchmarkWriteClassification exports a 20,000-image dataset.
func BenchmarkWriteClassification(b *testing.B) {
	const n = 20000
	dir := b.TempDir()
	if err := datasettest.WriteLarge(dir, n); err != nil {
		b.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Write(ds, out, Options{Task: Classification, Uncertain: UOnes}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
