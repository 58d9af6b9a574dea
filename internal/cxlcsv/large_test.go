package cxlcsv

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/catalog"
	"github.com/cxlseg/cxlseg/internal/mimic"
	mt "github.com/cxlseg/cxlseg/internal/mimic/mimictest"
	"github.com/cxlseg/cxlseg/internal/split"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

// TestLarge measures the data layer on a synthetic 250,000-row MIMIC:
// catalog (gzip CSVs, IMAGE_FILENAMES, a synthetic report per study with
// section extraction), cxlseg split, and the five CSVs. It runs only with
// CXLSEG_LARGE=1 (it takes several seconds and ~1 GB of disk-free temp):
//
//	CXLSEG_LARGE=1 go test -run TestLarge -v ./internal/cxlcsv
//
// It logs rows/s per phase and the process's peak RSS (VmHWM), which
// includes generating the input (streamed, small).
func TestLarge(t *testing.T) {
	if os.Getenv("CXLSEG_LARGE") == "" {
		t.Skip("set CXLSEG_LARGE=1 to run the 250,000-row measurement")
	}
	n := 250000
	dir := t.TempDir()
	t0 := time.Now()
	counts, err := mt.WriteLarge(dir, n, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d rows, %d studies, %d subjects, %d frontal in %v (RSS so far %s)",
		counts.Rows, counts.Studies, counts.Subjects, counts.Frontal, time.Since(t0).Round(time.Millisecond), peakRSS())
	files, err := mimic.Locate(dir)
	if err != nil {
		t.Fatal(err)
	}
	t1, cpu1 := time.Now(), testenv.CPUTime()
	c, err := catalog.Build(context.Background(), catalog.Input{Files: files, Reports: mt.SyntheticReports{}},
		catalog.Options{Labels: catalog.LabelsCheXpert})
	if err != nil {
		t.Fatal(err)
	}
	dCat, cpuCat := time.Since(t1), testenv.CPUTime()-cpu1
	t.Logf("peak RSS after catalog: %s", peakRSS())
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("live heap after catalog: %.1f MB (%.0f bytes per metadata row)", float64(ms.HeapAlloc)/1e6, float64(ms.HeapAlloc)/float64(n))
	t2 := time.Now()
	if err := c.AssignSplits(split.ModeCXLSeg, split.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	dSplit := time.Since(t2)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	t3, cpu3 := time.Now(), testenv.CPUTime()
	if err := WriteAll(out, FromCatalog(c)); err != nil {
		t.Fatal(err)
	}
	dWrite, cpuWrite := time.Since(t3), testenv.CPUTime()-cpu3
	if len(c.Records) != counts.Frontal || len(c.Records)+len(c.Exclusions) != n {
		t.Fatalf("%d records (want %d frontal), %d exclusions", len(c.Records), counts.Frontal, len(c.Exclusions))
	}
	t.Logf("catalog: %d rows in %v wall = %.0f rows/s (CPU %v = %.0f rows per CPU-second); %d records, %d exclusions",
		c.Rows, dCat.Round(time.Millisecond), float64(c.Rows)/dCat.Seconds(), cpuCat.Round(time.Millisecond),
		float64(c.Rows)/cpuCat.Seconds(), len(c.Records), len(c.Exclusions))
	t.Logf("split: %v; write CSVs: %v wall, %v CPU (%.0f records/s)", dSplit.Round(time.Millisecond),
		dWrite.Round(time.Millisecond), cpuWrite.Round(time.Millisecond), float64(len(c.Records))/dWrite.Seconds())
	t.Logf("total catalog+split+write: %.0f rows/s; peak RSS %s", float64(n)/(dCat+dSplit+dWrite).Seconds(), peakRSS())
}

// peakRSS returns VmHWM from /proc/self/status, or "unknown".
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
