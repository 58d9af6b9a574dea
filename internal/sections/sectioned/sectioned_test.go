package sectioned

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/mimic"

	"github.com/cxlseg/cxlseg/internal/sections"
)

// reports used by the tests: relative path -> text.
func testReports() map[string]string {
	imp := sections.Format("", []sections.Section{
		{Name: "comparison", Header: "COMPARISON", Text: "None."},
		{Name: "findings", Header: "FINDINGS", Text: "Lungs are clear."},
		{Name: "impression", Header: "IMPRESSION", Text: "No acute process."},
	})
	find := sections.Format("", []sections.Section{
		{Name: "findings", Header: "FINDINGS", Text: "Small left effusion, \"new\", since ___."},
	})
	last := sections.Format("", []sections.Section{
		{Name: "comparison", Header: "COMPARISON", Text: "___.\n\nStable lines and tubes."},
	})
	return map[string]string{
		"files/p10/p10000032/s50414267.txt": imp,
		"files/p10/p10000032/s5.txt":        find, // sorts before 50414267 numerically
		"files/p19/p19999999/s59999999.txt": last,
		"files/p10/p10000032/notes.txt":     "not a report",
		"files/p11/p10000001/s51111111.txt": "wrong pXX folder: ignored",
	}
}

const wantCSV = `study,impression,findings,last_paragraph,comparison
s5,,"Small left effusion, ""new"", since ___.",,
s50414267,No acute process.,Lungs are clear.,,None.
s59999999,,,Stable lines and tubes.,___.
`

func writeTree(t *testing.T, dir string) {
	for rel, text := range testReports() {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConvertDirAndZip(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, filepath.Join(dir, "tree"))

	zpath := filepath.Join(dir, "mimic-cxr-reports.zip")
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for rel, text := range testReports() {
		w, err := zw.Create("mimic-cxr-reports/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zpath, zbuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, in := range []string{filepath.Join(dir, "tree"), filepath.Join(dir, "tree", "files"), zpath} {
		out := filepath.Join(dir, "out.csv")
		var warn bytes.Buffer
		sum, err := ConvertFile(out, func(v VisitFunc) error { return Walk(in, v) }, &warn)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != wantCSV {
			t.Errorf("%s: got\n%s\nwant\n%s", in, got, wantCSV)
		}
		want := Summary{Reports: 3, Impression: 1, FindingsOnly: 1, LastParagraph: 1}
		if sum != want {
			t.Errorf("%s: summary %+v, want %+v", in, sum, want)
		}
	}
}

func TestConvertSkipsInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "files", "p10", "p10000032", "s50414267.txt")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(" FINAL REPORT\n IMPRESSION:  ok\n bad \xff byte\n"), 0o644)
	var out, warn bytes.Buffer
	sum, err := Convert(&out, func(v VisitFunc) error { return Walk(dir, v) }, &warn)
	if err != nil {
		t.Fatal(err)
	}
	if sum.SkippedUTF8 != 1 || sum.Reports != 0 {
		t.Errorf("summary %+v", sum)
	}
	if !strings.Contains(warn.String(), "s50414267.txt") || !strings.Contains(warn.String(), "line 3") {
		t.Errorf("warning %q does not name the file and line", warn.String())
	}
}

func TestWalkCSV(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.csv")
	text := strings.ReplaceAll(testReports()["files/p10/p10000032/s50414267.txt"], `"`, `""`)
	os.WriteFile(p, []byte("uid,report\nA1,\""+text+"\"\n"), 0o644)
	var out bytes.Buffer
	if _, err := Convert(&out, func(v VisitFunc) error { return WalkCSV(p, "uid", "report", v) }, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := "study,impression,findings,last_paragraph,comparison\nA1,No acute process.,Lungs are clear.,,None.\n"
	if out.String() != want {
		t.Errorf("got %q", out.String())
	}
	for _, tc := range []struct{ id, text, msg string }{
		{"uid", "nope", `no column "nope"`},
		{"nope", "report", `no column "nope"`},
	} {
		err := WalkCSV(p, tc.id, tc.text, func(string, string, []byte) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), p) {
			t.Errorf("WalkCSV(%s,%s): error %v", tc.id, tc.text, err)
		}
	}
}

func TestWalkMissing(t *testing.T) {
	if err := Walk(filepath.Join(t.TempDir(), "absent"), func(string, string, []byte) error { return nil }); err == nil {
		t.Error("no error for a missing path")
	}
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644)
	if err := Walk(bad, func(string, string, []byte) error { return nil }); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt zip: %v", err)
	}
}

// TestWalkRefusesDuplicates: two files for one study (here in two copies of
// files/) are an error naming both, not two conflicting rows.
func TestWalkRefusesDuplicates(t *testing.T) {
	root := t.TempDir()
	for _, top := range []string{"files", "copy/files"} {
		d := filepath.Join(root, top, "p10", "p10000032")
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "s50414267.txt"), []byte(" IMPRESSION: clear.\n"), 0o644)
	}
	err := Walk(root, func(study, where string, text []byte) error { return nil })
	if !errors.Is(err, mimic.ErrDuplicateReport) || !strings.Contains(err.Error(), "copy/files") {
		t.Errorf("Walk over duplicate reports: %v", err)
	}
}
