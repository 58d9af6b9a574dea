package sections

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkExtract measures extraction of a typical modern MIMIC report.
func BenchmarkExtract(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "reports", "modern.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Extract(text)
	}
}
