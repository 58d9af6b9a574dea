package sample

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/chexpert"
	"github.com/cxlseg/cxlseg/internal/sections"
)

// readTree returns every file of a tree by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readCSVGz(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// TestWriteDeterministic writes the tree twice, with different worker
// counts, and compares every byte; no temporary file may be left.
func TestWriteDeterministic(t *testing.T) {
	n := 2
	if testing.Short() {
		n = 0
	}
	a, b := t.TempDir(), t.TempDir()
	sum, err := Write(a, Options{Phantoms: n, Seed: 7, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkPhantoms(t, a, sum, n)
	if _, err := Write(b, Options{Phantoms: n, Seed: 7, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	fa, fb := readTree(t, a), readTree(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files vs %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file left: %s", name)
		}
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
}

// checkPhantoms checks the phantom images and masks of a tree: MIMIC's
// size, 1-component JPEG, a PNG mask of the same size, and phantoms.csv.
func checkPhantoms(t *testing.T, dir string, sum Summary, n int) {
	t.Helper()
	if sum.Phantoms != n {
		t.Errorf("summary has %d phantoms, want %d", sum.Phantoms, n)
	}
	found := 0
	for _, im := range sum.Images {
		if im.Source != "phantom" {
			continue
		}
		found++
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(im.Path)))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != PhantomWidth || cfg.Height != PhantomHeight || cfg.ColorModel != color.GrayModel {
			t.Errorf("%s: %v %+v", im.Path, err, cfg)
		}
		mdata, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(im.Mask)))
		if err != nil {
			t.Fatal(err)
		}
		mcfg, format, err := image.DecodeConfig(bytes.NewReader(mdata))
		if err != nil || format != "png" || mcfg.Width != PhantomWidth || mcfg.Height != PhantomHeight {
			t.Errorf("%s: %v %s %+v", im.Mask, err, format, mcfg)
		}
		if im.Expect != ExpectSelected || im.ViewPosition != "PA" {
			t.Errorf("phantom %+v", im)
		}
	}
	if found != n {
		t.Errorf("%d phantom images, want %d", found, n)
	}
	if n > 0 {
		idx, err := os.ReadFile(filepath.Join(dir, PhantomIndexFile))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(idx), "\n"); got != n+1 {
			t.Errorf("%s has %d lines, want %d", PhantomIndexFile, got, n+1)
		}
	}
}

func TestWriteBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(file, Options{}); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("writing into a file: %v", err)
	}
	if _, err := Write(filepath.Join(file, "sub"), Options{}); err == nil {
		t.Error("writing below a file: no error")
	}
	if _, err := Write(t.TempDir(), Options{Phantoms: -1}); err == nil {
		t.Error("negative phantom count: no error")
	}
}

// TestTreeShape checks the tree against MIMIC-CXR-JPG's formats and the
// promises of Summary.
func TestTreeShape(t *testing.T) {
	dir := t.TempDir()
	sum, err := Write(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Metadata: columns, ids, sizes true to the files.
	meta := readCSVGz(t, filepath.Join(dir, MetadataFile))
	if strings.Join(meta[0], ",") != strings.Join(metadataColumns, ",") {
		t.Fatalf("metadata header %v", meta[0])
	}
	if len(meta)-1 != len(sum.Images) {
		t.Fatalf("%d metadata rows, %d images in summary", len(meta)-1, len(sum.Images))
	}
	dicomRE := regexp.MustCompile(`^[0-9a-f]{8}(-[0-9a-f]{8}){4}$`)
	subjectRE := regexp.MustCompile(`^1[0-9]{7}$`)
	studyRE := regexp.MustCompile(`^5[0-9]{7}$`)
	dateRE := regexp.MustCompile(`^2[12][0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$`)
	timeRE := regexp.MustCompile(`^[1-9]?[0-9]{1,5}\.[0-9]{1,3}$`)
	views := map[string]int{}
	for i, row := range meta[1:] {
		im := sum.Images[i]
		if row[0] != im.DicomID || row[1] != im.SubjectID || row[2] != im.StudyID || row[4] != im.ViewPosition {
			t.Errorf("row %d %v does not match summary %+v", i+2, row, im)
		}
		if !dicomRE.MatchString(row[0]) || len(row[0]) != 44 || !subjectRE.MatchString(row[1]) || !studyRE.MatchString(row[2]) {
			t.Errorf("row %d: malformed ids %v", i+2, row[:3])
		}
		if !dateRE.MatchString(row[7]) || !timeRE.MatchString(row[8]) {
			t.Errorf("row %d: StudyDate %q StudyTime %q", i+2, row[7], row[8])
		}
		views[row[4]]++
		want := "files/p" + row[1][:2] + "/p" + row[1] + "/s" + row[2] + "/" + row[0] + ".jpg"
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(want)))
		if im.Expect == ExpectMissingImage {
			if err == nil {
				t.Errorf("row %d: image present, should be missing", i+2)
			}
			continue
		}
		if err != nil {
			t.Errorf("row %d: %v", i+2, err)
			continue
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || format != "jpeg" {
			t.Errorf("%s: %v %s", want, err, format)
			continue
		}
		if row[5] != itoa(cfg.Height) || row[6] != itoa(cfg.Width) {
			t.Errorf("%s: Rows,Columns %s,%s but image is %dx%d", want, row[5], row[6], cfg.Width, cfg.Height)
		}
	}
	for _, v := range []string{"PA", "AP", "LATERAL", "LL", "AP AXIAL", ""} {
		if views[v] == 0 {
			t.Errorf("no row with ViewPosition %q", v)
		}
	}
	for what, n := range map[string]int{ExpectSelected: 12, ExpectNotFrontal: 5, ExpectNoReport: 1, ExpectEmptyReport: 1, ExpectMissingImage: 1} {
		if got := sum.Count(what); got != n {
			t.Errorf("%s: %d images, want %d", what, got, n)
		}
	}

	// IMAGE_FILENAMES lists exactly the JPEGs present.
	names, err := os.ReadFile(filepath.Join(dir, ImageFilenamesFile))
	if err != nil {
		t.Fatal(err)
	}
	listed := strings.Fields(string(names))
	var onDisk []string
	filepath.WalkDir(filepath.Join(dir, "files"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".jpg") {
			rel, _ := filepath.Rel(dir, p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	})
	if len(listed) != len(onDisk) || len(listed) != len(sum.Images)-1 {
		t.Errorf("IMAGE_FILENAMES lists %d, %d JPEGs on disk, %d rows", len(listed), len(onDisk), len(sum.Images))
	}

	// Split and labels.
	split := readCSVGz(t, filepath.Join(dir, SplitFile))
	if strings.Join(split[0], ",") != "dicom_id,study_id,subject_id,split" || len(split)-1 != len(sum.Images) {
		t.Errorf("split: header %v, %d rows", split[0], len(split)-1)
	}
	for _, file := range []string{ChexpertFile, NegbioFile} {
		rows := readCSVGz(t, filepath.Join(dir, file))
		if want := "subject_id,study_id," + strings.Join(chexpert.Alphabetical[:], ","); strings.Join(rows[0], ",") != want {
			t.Errorf("%s header %v", file, rows[0])
		}
		values := map[string]int{}
		for _, r := range rows[1:] {
			for _, v := range r[2:] {
				values[v]++
			}
		}
		for _, v := range []string{"1.0", "0.0", "-1.0", ""} {
			if values[v] == 0 {
				t.Errorf("%s: no value %q", file, v)
			}
		}
		if len(rows)-1 != sum.Studies-2 { // no labels for the studies without a usable report
			t.Errorf("%s: %d rows for %d studies", file, len(rows)-1, sum.Studies)
		}
	}
	if a, b := readCSVGz(t, filepath.Join(dir, ChexpertFile)), readCSVGz(t, filepath.Join(dir, NegbioFile)); equalRows(a, b) {
		t.Error("negbio labels are identical to chexpert; some should differ")
	}

	// Reports: MIMIC layout and the variety of sections.
	kinds := map[string]int{}
	for _, im := range sum.Images {
		if im.Expect == ExpectNotFrontal {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(reportPath(im.SubjectID, im.StudyID)))
		data, err := os.ReadFile(p)
		switch im.Expect {
		case ExpectNoReport:
			if err == nil {
				t.Errorf("%s exists", p)
			}
			continue
		case ExpectEmptyReport:
			if err != nil || len(data) != 0 {
				t.Errorf("%s: want an empty file (%v)", p, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if len(line) > sections.LineWidth || !strings.HasPrefix(line, " ") {
				t.Errorf("%s line %d breaks MIMIC's layout: %q", p, n+1, line)
			}
		}
		s := sections.Extract(string(data))
		if s.Chosen() == "" {
			t.Errorf("%s: no section text", p)
		}
		switch {
		case s.Impression != "" && s.Findings != "":
			kinds["both"]++
		case s.Impression != "":
			kinds["impression only"]++
		case s.Findings != "":
			kinds["findings only"]++
		default:
			kinds["neither"]++
		}
		for _, sec := range s.Sections {
			if sec.Name == sections.NameAddendum {
				kinds["addendum"]++
			}
		}
	}
	for _, k := range []string{"both", "impression only", "findings only", "neither", "addendum"} {
		if kinds[k] == 0 {
			t.Errorf("no report with %s", k)
		}
	}
	for _, f := range []string{"ATTRIBUTION.md", "README.txt", ReportsZipFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if !bytes.Contains(Attribution(), []byte("CC BY 3.0")) || !bytes.Contains(Attribution(), []byte("10.6084/m9.figshare.12275009")) {
		t.Error("attribution lacks licence or DOI")
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], ",") != strings.Join(b[i], ",") {
			return false
		}
	}
	return true
}

func itoa(v int) string { return strconv.Itoa(v) }

func TestStudyTime(t *testing.T) {
	tests := []struct {
		h, m, s, ms int
		want        string
	}{
		{8, 5, 56, 875, "80556.875"},
		{21, 30, 14, 531, "213014.531"},
		{0, 0, 5, 0, "5.0"},
		{10, 0, 0, 500, "100000.5"},
		{10, 0, 0, 50, "100000.05"},
	}
	for _, tc := range tests {
		if got := studyTime(tc.h, tc.m, tc.s, tc.ms); got != tc.want {
			t.Errorf("studyTime(%d,%d,%d,%d) = %q, want %q", tc.h, tc.m, tc.s, tc.ms, got, tc.want)
		}
	}
}
