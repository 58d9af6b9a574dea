package export

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/dataset/datasettest"
	"github.com/cxlseg/cxlseg/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// openFake writes the fake dataset (CSV only) and opens it.
func openFake(t *testing.T) (*dataset.Dataset, []datasettest.Image) {
	t.Helper()
	dir := t.TempDir()
	ims, err := datasettest.Write(dir, datasettest.Options{NoImages: true})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ds, ims
}

// TestGolden compares every task and policy combination with committed
// files. Run `go test ./internal/export -update` after an intended change
// and review the diff.
func TestGolden(t *testing.T) {
	ds, _ := openFake(t)
	tests := []struct {
		name string
		opt  Options
	}{
		{"classification-default", Options{Task: Classification}},
		{"classification-ones-zeros", Options{Task: Classification, Uncertain: UOnes, Missing: MissingZeros}},
		{"classification-zeros-blank", Options{Task: Classification, Uncertain: UZeros, Missing: MissingBlank}},
		{"classification-ignore-blank", Options{Task: Classification, Uncertain: UIgnore, Missing: MissingBlank}},
		{"segmentation", Options{Task: Segmentation}},
		{"report-generation", Options{Task: ReportGeneration}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			info, err := Write(ds, out, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range dataset.Splits() {
				file := string(s) + ".csv"
				got, err := os.ReadFile(filepath.Join(out, file))
				if err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", tt.name, file)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s:\n%s", file, golden, got)
				}
				if n := bytes.Count(got, []byte("\nfiles/")); n != info.Rows[string(s)] || n != ds.Count(s) {
					t.Errorf("%s: %d rows, info says %d, dataset has %d", file, n, info.Rows[string(s)], ds.Count(s))
				}
			}
			b, err := os.ReadFile(filepath.Join(out, InfoFile))
			if err != nil {
				t.Fatal(err)
			}
			var back Info
			if err := json.Unmarshal(b, &back); err != nil || back.Task != tt.opt.Task || back.Source != ds.Dir() {
				t.Errorf("export.json = %s (%v)", b, err)
			}
		})
	}
}

// TestKeepBlankIsVerbatim: with both policies off, the classification CSV
// holds exactly the cells of the source files, read back by name.
func TestKeepBlankIsVerbatim(t *testing.T) {
	ds, ims := openFake(t)
	out := t.TempDir()
	if _, err := Write(ds, out, Options{Task: Classification, Uncertain: UKeep, Missing: MissingBlank}); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]datasettest.Image{}
	for _, im := range ims {
		byPath[im.ImageRel()] = im
	}
	seen := 0
	for _, s := range dataset.Splits() {
		rows := readCSV(t, filepath.Join(out, string(s)+".csv"))
		header := rows[0]
		for _, row := range rows[1:] {
			im, ok := byPath[row[0]]
			if !ok || im.Split != string(s) {
				t.Fatalf("%s.csv: unexpected row %q", s, row)
			}
			seen++
			for c := 1; c < len(header); c++ {
				if row[c] != im.Labels[header[c]] {
					t.Errorf("%s %s = %q, want %q", im.DicomID, header[c], row[c], im.Labels[header[c]])
				}
			}
		}
	}
	if seen != len(ims) {
		t.Errorf("%d rows, want %d", seen, len(ims))
	}
}

func TestCellPolicies(t *testing.T) {
	P, N, U, M := dataset.Positive, dataset.Negative, dataset.Uncertain, dataset.Missing
	tests := []struct {
		l    dataset.Label
		u    Uncertain
		m    Missing
		want string
	}{
		{P, UZeros, MissingZeros, "1.0"}, {N, UOnes, MissingBlank, "0.0"},
		{U, UOnes, MissingZeros, "1.0"}, {U, UZeros, MissingZeros, "0.0"},
		{U, UIgnore, MissingZeros, ""}, {U, UKeep, MissingZeros, "-1.0"},
		{M, UOnes, MissingZeros, "0.0"}, {M, UOnes, MissingBlank, ""},
		{M, UKeep, MissingBlank, ""},
	}
	for _, tt := range tests {
		if got := Cell(tt.l, tt.u, tt.m); got != tt.want {
			t.Errorf("Cell(%s, %s, %s) = %q, want %q", tt.l.Name(), tt.u, tt.m, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := ParseTask("detection"); err == nil {
		t.Error("ParseTask(detection) succeeded")
	}
	if _, err := ParseUncertain("maybe"); err == nil {
		t.Error("ParseUncertain(maybe) succeeded")
	}
	if _, err := ParseMissing("nan"); err == nil {
		t.Error("ParseMissing(nan) succeeded")
	}
	ds, _ := openFake(t)
	if _, err := Write(ds, t.TempDir(), Options{Task: "detection"}); err == nil {
		t.Error("Write with a bad task succeeded")
	}
}

func TestAbsolutePaths(t *testing.T) {
	ds, _ := openFake(t)
	out := t.TempDir()
	if _, err := Write(ds, out, Options{Task: Segmentation, AbsolutePaths: true}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "train.csv"))
	for _, row := range rows[1:] {
		for _, p := range row {
			if !filepath.IsAbs(p) || !strings.HasPrefix(p, ds.Dir()) {
				t.Errorf("path %q is not absolute under %s", p, ds.Dir())
			}
		}
	}
}

// TestAtomicLeavesNoTemp: after an export only the final files remain, and
// an existing file is replaced whole.
func TestAtomicLeavesNoTemp(t *testing.T) {
	ds, _ := openFake(t)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "train.csv"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ds, out, Options{Task: ReportGeneration}); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "export.json test.csv train.csv validate.csv" {
		t.Errorf("files %q", got)
	}
	rows := readCSV(t, filepath.Join(out, "train.csv"))
	if rows[0][1] != "Reports" || len(rows) != 1+ds.Count(dataset.Train) {
		t.Errorf("train.csv = %q", rows)
	}
}

func TestWriteToUnwritableDir(t *testing.T) {
	ds, _ := openFake(t)
	out := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// out is a file, so it cannot be a directory.
	if _, err := Write(ds, out, Options{Task: Segmentation}); err == nil {
		t.Error("Write into a path that is a file succeeded")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	rows := testenv.ReadCSV(t, path)
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	if rows[0][0] != "DicomPath" {
		t.Fatalf("%s header %q", path, rows[0])
	}
	return rows
}

// TestMinEstDice drops exactly the images under the threshold, counts them
// in export.json, and refuses a dataset without est_dice.
func TestMinEstDice(t *testing.T) {
	ds, ims := openFake(t)
	out := t.TempDir()
	info, err := Write(ds, out, Options{Task: Segmentation, MinEstDice: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, s := range dataset.Splits() {
		for _, row := range readCSV(t, filepath.Join(out, string(s)+".csv"))[1:] {
			kept[row[0]] = true
		}
	}
	dropped := 0
	for _, im := range ims {
		if want := im.EstDice >= 0.9; kept[im.ImageRel()] != want {
			t.Errorf("%s (est_dice %.2f): kept %v, want %v", im.DicomID, im.EstDice, kept[im.ImageRel()], want)
		}
		if im.EstDice < 0.9 {
			dropped++
		}
	}
	if dropped == 0 || info.Dropped["train"]+info.Dropped["validate"]+info.Dropped["test"] != dropped {
		t.Errorf("export.json dropped %v, want %d in all", info.Dropped, dropped)
	}
	if _, err := Write(ds, t.TempDir(), Options{Task: Segmentation, MinEstDice: 1.5}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
	// A dataset built before est_dice existed: the column is absent.
	dir := t.TempDir()
	if _, err := datasettest.Write(dir, datasettest.Options{NoImages: true}); err != nil {
		t.Fatal(err)
	}
	qa := filepath.Join(dir, "CXLSeg-qa.csv")
	b, _ := os.ReadFile(qa)
	lines := strings.Split(string(b), "\n")
	col := slices.Index(strings.Split(lines[0], ","), "est_dice")
	for i, l := range lines {
		if f := strings.Split(l, ","); len(f) > col {
			lines[i] = strings.Join(slices.Delete(f, col, col+1), ",")
		}
	}
	os.WriteFile(qa, []byte(strings.Join(lines, "\n")), 0o644)
	old, err := dataset.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(old, t.TempDir(), Options{Task: Segmentation, MinEstDice: 0.9}); err == nil || !strings.Contains(err.Error(), "no est_dice") {
		t.Errorf("dataset without est_dice: %v", err)
	}
}
