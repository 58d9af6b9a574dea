package testenv

import (
	"encoding/csv"
	"os"
	"testing"
)

// ReadCSV returns every record of the CSV file at path, header included,
// failing the test (with the path) when it cannot be opened or parsed.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}
