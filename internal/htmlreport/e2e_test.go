//go:build linux

package htmlreport_test

import (
	"bytes"
	"encoding/csv"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/dataset"
	"github.com/cxlseg/cxlseg/internal/cli"
	"github.com/cxlseg/cxlseg/internal/htmlreport"
)

// TestEndToEnd runs the product as a user does, on its real output only:
// `cxlseg sample`, `cxlseg build` (native engine, embedded model), the
// public dataset package on what the build wrote, `cxlseg export` for every
// task, `cxlseg report`, and the report in headless Chromium.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	tree, out := filepath.Join(dir, "mimic"), filepath.Join(dir, "cxlseg")
	run := func(args ...string) string {
		t.Helper()
		var o, e bytes.Buffer
		if code := cli.Run(args, &o, &e); code != 0 {
			t.Fatalf("cxlseg %s: exit %d\n%s\n%s", strings.Join(args, " "), code, o.String(), e.String())
		}
		return o.String()
	}
	run("sample", "--out", tree)
	run("build", "--mimic", tree, "--out", out, "--backend", "native", "--quiet")

	ds, err := dataset.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 12 {
		t.Fatalf("dataset has %d images, want the sample's 12 frontal images with a report", ds.Len())
	}
	for r := range ds.All() {
		for _, p := range []string{r.ImagePath, r.MaskPath} {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			img, err := jpeg.Decode(f)
			f.Close()
			if err != nil || img.Bounds().Dx() != 224 || img.Bounds().Dy() != 224 {
				t.Errorf("%s: %v, %v", p, err, img.Bounds())
			}
		}
		if r.QA == nil || r.QA.RawComponents < 1 || math.IsNaN(r.QA.EstDice) || r.QA.EstDice <= 0 || r.QA.EstDice > 1 {
			t.Errorf("%s: QA %+v: want raw components and an estimated Dice in (0, 1]", r.DicomID, r.QA)
		}
		if r.Report == "" {
			t.Errorf("%s: empty Reports", r.DicomID)
		}
	}

	for _, task := range []string{"classification", "segmentation", "report-generation"} {
		exp := filepath.Join(dir, "export-"+task)
		run("export", "--data", out, "--task", task, "--out", exp)
		rows := 0
		for _, s := range dataset.Splits() {
			f, err := os.Open(filepath.Join(exp, string(s)+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			rows += len(recs) - 1
			for _, rec := range recs[1:] {
				if _, err := os.Stat(filepath.Join(out, rec[0])); err != nil {
					t.Errorf("%s %s: %v", task, s, err)
				}
				if task == "segmentation" {
					if _, err := os.Stat(filepath.Join(out, rec[1])); err != nil {
						t.Errorf("%s mask: %v", task, err)
					}
				}
			}
		}
		if rows != ds.Len() {
			t.Errorf("%s export: %d rows, want %d", task, rows, ds.Len())
		}
	}

	run("report", out)
	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Lowest estimated Dice", "Estimated Dice"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	images, broken, errs, detail := htmlreport.BrowserCheck(t, page)
	if images == 0 || broken != 0 || errs != 0 {
		t.Errorf("report in Chromium: %d images, %d broken, %d errors: %s", images, broken, errs, detail)
	}
}
