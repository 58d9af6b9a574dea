package catalog

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/cxlseg/cxlseg/internal/mimic"
	mt "github.com/cxlseg/cxlseg/internal/mimic/mimictest"
)

// largeOnce caches the generated 250k-row inputs across benchmark runs
// (with -count or -benchtime, the benchmark function runs several times).
// The folder is removed by TestMain.
var largeOnce struct {
	sync.Once
	dir    string
	counts mt.LargeCounts
	err    error
}

// BenchmarkBuild250k joins a synthetic 250,000-row MIMIC (gzip metadata,
// split and chexpert CSVs, IMAGE_FILENAMES, a report per study from
// mimictest.SyntheticReports, section extraction on) into a catalog.
// rows/s counts metadata rows. Peak RSS: see cxlcsv's TestLarge.
func BenchmarkBuild250k(b *testing.B) {
	largeOnce.Do(func() {
		largeOnce.dir, largeOnce.err = os.MkdirTemp("", "cxlseg-bench-")
		if largeOnce.err != nil {
			return
		}
		largeOnce.counts, largeOnce.err = mt.WriteLarge(largeOnce.dir, 250000, true)
	})
	if largeOnce.err != nil {
		b.Fatal(largeOnce.err)
	}
	files, err := mimic.Locate(largeOnce.dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var c *Catalog
	for b.Loop() {
		c, err = Build(context.Background(), Input{Files: files, Reports: mt.SyntheticReports{}}, Options{Labels: LabelsCheXpert})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(c.Records)), "records")
}

// TestMain removes the benchmark's generated inputs after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if largeOnce.dir != "" {
		os.RemoveAll(largeOnce.dir)
	}
	os.Exit(code)
}
