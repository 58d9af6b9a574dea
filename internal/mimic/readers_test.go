package mimic

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/safeio"
)

const mdHeader = "dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,PatientOrientationCodeSequence_CodeMeaning\n"

func mdRow(dicom, subject, study, view string) string {
	return dicom + "," + subject + "," + study + ",CHEST (PA AND LAT)," + view + ",3056,2544,21800506,213014.531,CHEST (PA AND LAT),postero-anterior,Erect\n"
}

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func writeTemp(t testing.TB, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readMetadata(t *testing.T, path string) ([]MetadataRow, error) {
	t.Helper()
	r, err := OpenMetadata(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rows []MetadataRow
	err = r.ReadAll(func(row MetadataRow) error { rows = append(rows, row); return nil })
	return rows, err
}

// TestOpenDetectsGzipByMagic reads the same CSV plain and gzip, under
// both names: the content decides, not the extension.
func TestOpenDetectsGzipByMagic(t *testing.T) {
	csv := mdHeader + mdRow("a1", "10000032", "50414267", "PA")
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"m.csv", []byte(csv)}, {"m.csv.gz", gz(t, csv)}, {"m.csv", gz(t, csv)}, {"m.csv.gz", []byte(csv)},
	} {
		rows, err := readMetadata(t, writeTemp(t, tc.name, tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(rows) != 1 || rows[0].DicomID != "a1" || rows[0].Subject != 10000032 || rows[0].Study != 50414267 || rows[0].Err != nil {
			t.Fatalf("%s: rows %+v", tc.name, rows)
		}
	}
}

func TestTruncatedGzipNamesFile(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(mdHeader)
	for i := 0; i < 2000; i++ {
		sb.WriteString(mdRow("d"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+itoa(i), "10000032", "50414267", "PA"))
	}
	full := gz(t, sb.String())
	p := writeTemp(t, "mimic-cxr-2.0.0-metadata.csv.gz", full[:len(full)*2/3])
	_, err := readMetadata(t, p)
	if err == nil {
		t.Fatal("truncated gzip read without error")
	}
	if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("error %q does not name the file and the truncation", err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %v does not wrap io.ErrUnexpectedEOF", err)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestMetadataBadInput covers the structural errors (fatal, naming file
// and line) and the per-row problems (RowError with reason and line).
func TestMetadataBadInput(t *testing.T) {
	good := mdRow("a1", "10000032", "50414267", "PA")
	tests := []struct {
		name    string
		csv     string
		wantErr string // fatal error substring ("" for none)
		rowErr  string // reason of the RowError on the last row
		line    int
	}{
		{name: "missing column", csv: strings.Replace(mdHeader, "ViewPosition", "View", 1) + good, wantErr: `line 1: missing column "ViewPosition"`},
		{name: "wrong field count", csv: mdHeader + good + "a2,10000032,50414267,PA\n", wantErr: "line 3: wrong number of fields"},
		{name: "empty file", csv: "", wantErr: "empty file"},
		{name: "duplicate column", csv: "dicom_id,dicom_id\n", wantErr: `column "dicom_id" appears twice`},
		{name: "bare quote", csv: mdHeader + good + "a\"2,1,2,x,PA,1,2,3,4,5,6,7\n", wantErr: "line 3"},
		{name: "non-numeric subject", csv: mdHeader + good + mdRow("a2", "1000x032", "50414267", "PA"), rowErr: ReasonBadID, line: 3},
		{name: "leading zero study", csv: mdHeader + mdRow("a2", "10000032", "050414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "negative id", csv: mdHeader + mdRow("a2", "-10000032", "50414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "slash in dicom", csv: mdHeader + mdRow("../../etc/passwd", "10000032", "50414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "dotdot dicom", csv: mdHeader + mdRow("a..b", "10000032", "50414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "backslash dicom", csv: mdHeader + mdRow(`a\b`, "10000032", "50414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "empty dicom", csv: mdHeader + mdRow("", "10000032", "50414267", "PA"), rowErr: ReasonBadID, line: 2},
		{name: "duplicate dicom", csv: mdHeader + good + mdRow("b", "10000033", "50414268", "AP") + good, rowErr: ReasonDuplicate, line: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "mimic-cxr-2.0.0-metadata.csv", []byte(tc.csv))
			rows, err := readMetadata(t, p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), p) {
					t.Fatalf("error %v, want one naming %s and containing %q", err, p, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			last := rows[len(rows)-1]
			if last.Err == nil || last.Err.Reason != tc.rowErr || last.Err.Line != tc.line || last.Line != tc.line {
				t.Fatalf("last row %+v err %+v, want reason %s on line %d", last, last.Err, tc.rowErr, tc.line)
			}
			if !strings.Contains(last.Err.Error(), p) {
				t.Errorf("row error %q does not name the file", last.Err)
			}
			for _, r := range rows[:len(rows)-1] {
				if r.Err != nil {
					t.Errorf("good row flagged: %v", r.Err)
				}
			}
		})
	}
}

// TestMetadataColumnsByName reorders the columns and adds a BOM and an
// extra column: rows must still be read by name.
func TestMetadataColumnsByName(t *testing.T) {
	csv := "\ufeffViewPosition,extra,study_id,dicom_id,subject_id\nPA,\"x, y\",50414267,a1,10000032\n"
	r, err := NewMetadataReader("inline.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if row.DicomID != "a1" || row.SubjectID != "10000032" || row.StudyID != "50414267" || row.ViewPosition != "PA" || row.Fields[1] != "x, y" {
		t.Fatalf("row %+v", row)
	}
	if h := r.Header(); h[0] != "ViewPosition" || len(h) != 5 {
		t.Fatalf("header %q", h)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
}

func TestSplitReader(t *testing.T) {
	tests := []struct {
		name, csv, wantErr, rowErr string
	}{
		{name: "good, columns reordered", csv: "split,subject_id,dicom_id,study_id\ntrain,10000032,a1,50414267\n"},
		{name: "missing split column", csv: "dicom_id,study_id,subject_id\na1,50414267,10000032\n", wantErr: `missing column "split"`},
		{name: "bad split value", csv: "dicom_id,study_id,subject_id,split\na1,50414267,10000032,dev\n", rowErr: ReasonBadSplit},
		{name: "bad id", csv: "dicom_id,study_id,subject_id,split\na1,5041x4267,10000032,test\n", rowErr: ReasonBadID},
		{name: "duplicate", csv: "dicom_id,study_id,subject_id,split\na1,50414267,10000032,test\na1,50414267,10000032,test\n", rowErr: ReasonDuplicate},
		{name: "field count", csv: "dicom_id,study_id,subject_id,split\na1,50414267,10000032\n", wantErr: "line 2: wrong number of fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "split.csv", gz(t, tc.csv))
			r, err := OpenSplit(p)
			var rows []SplitRow
			if err == nil {
				err = r.ReadAll(func(row SplitRow) error { rows = append(rows, row); return nil })
				r.Close()
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), p) {
					t.Fatalf("error %v, want %q naming the file", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			last := rows[len(rows)-1]
			if tc.rowErr == "" {
				if last.Err != nil || last.Split != Train && last.Split != Test || last.Subject != 10000032 {
					t.Fatalf("row %+v", last)
				}
				return
			}
			if last.Err == nil || last.Err.Reason != tc.rowErr {
				t.Fatalf("row err %v, want %s", last.Err, tc.rowErr)
			}
		})
	}
}

func TestLabelsReader(t *testing.T) {
	csv := "study_id,Pneumonia,subject_id,No Finding\n" +
		"50414267,1.0,10000032,\n" +
		"50414268,-1,10000032,0\n" +
		"50414269,2.0,10000032,\n" +
		"50414268,1.0,10000032,\n"
	r, err := NewLabelsReader("labels.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Names(); len(n) != 2 || n[0] != "Pneumonia" || n[1] != "No Finding" {
		t.Fatalf("names %q", n)
	}
	var rows []LabelRow
	if err := r.ReadAll(func(row LabelRow) error { rows = append(rows, row); return nil }); err != nil {
		t.Fatal(err)
	}
	if rows[0].Err != nil || rows[0].Values[0] != "1.0" || rows[0].Values[1] != "" || rows[0].Study != 50414267 {
		t.Errorf("row 0 %+v", rows[0])
	}
	if rows[1].Err != nil || rows[1].Values[0] != "-1" || rows[1].Values[1] != "0" {
		t.Errorf("row 1 %+v (values must be verbatim)", rows[1])
	}
	if rows[2].Err == nil || rows[2].Err.Reason != ReasonBadLabel || rows[2].Err.Line != 4 {
		t.Errorf("row 2 err %v, want bad_label on line 4", rows[2].Err)
	}
	if rows[3].Err == nil || rows[3].Err.Reason != ReasonDuplicate || !strings.Contains(rows[3].Err.Error(), "first on line 3") {
		t.Errorf("row 3 err %v, want duplicate of line 3", rows[3].Err)
	}
	if _, err := NewLabelsReader("l.csv", strings.NewReader("subject_id,Pneumonia\n1,1.0\n")); err == nil || !strings.Contains(err.Error(), `"study_id"`) {
		t.Errorf("missing study_id: %v", err)
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		subject, study, dicom, want string
		bad                         bool
	}{
		{"10000032", "50414267", "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", "files/p10/p10000032/s50414267/02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg", false},
		{"19999987", "58971208", "a.b_c-d", "files/p19/p19999987/s58971208/a.b_c-d.jpg", false},
		{"7", "1", "x", "files/p7/p7/s1/x.jpg", false},
		{"10000032", "50414267", "../x", "", true},
		{"10000032", "50414267", "a/b", "", true},
		{"10000032", "50414267", ".hidden", "", true},
		{"10000032", "50414267", "a..b", "", true},
		{"10000032", "50414267", "ab.", "", true},
		{"10000032", "50414267", "ab-", "", true},
		{"10000032", "50414267", strings.Repeat("a", 129), "", true},
		{"10000032", "50414267", "ä", "", true},
		{"1000/032", "50414267", "x", "", true},
		{"10000032", "", "x", "", true},
		{"10000032", "1234567890123456789", "x", "", true},
	}
	for _, tc := range tests {
		got, err := ImagePath(tc.subject, tc.study, tc.dicom)
		if tc.bad != (err != nil) || got != tc.want {
			t.Errorf("ImagePath(%q,%q,%q) = %q, %v; want %q bad=%v", tc.subject, tc.study, tc.dicom, got, err, tc.want, tc.bad)
		}
	}
	if m, _ := MaskPath("10000032", "50414267", "abc"); m != "files/p10/p10000032/s50414267/abc-mask.jpg" {
		t.Errorf("MaskPath = %q", m)
	}
	if r, _ := ReportPath("10000032", "50414267"); r != "files/p10/p10000032/s50414267.txt" {
		t.Errorf("ReportPath = %q", r)
	}
}

func TestImageFilenames(t *testing.T) {
	p := writeTemp(t, "IMAGE_FILENAMES", gz(t, "files/p10/p10000032/s1/a.jpg\n\n ./files/p10/p10000032/s1/b.jpg \r\n"))
	s, err := ReadImageFilenames(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 {
		t.Fatalf("len %d", s.Len())
	}
	for rel, want := range map[string]bool{"files/p10/p10000032/s1/a.jpg": true, "files/p10/p10000032/s1/b.jpg": true, "files/p10/p10000032/s1/c.jpg": false} {
		err := s.Check(rel)
		if (err == nil) != want || (err != nil && !errors.Is(err, ErrNotFound)) {
			t.Errorf("Check(%s) = %v, want present=%v", rel, err, want)
		}
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "files/p10/d.jpg"), 0o755)
	os.WriteFile(filepath.Join(root, "files/p10/a.jpg"), []byte("x"), 0o644)
	st := StatIndex{Root: root}
	if err := st.Check("files/p10/a.jpg"); err != nil {
		t.Error(err)
	}
	if err := st.Check("files/p10/b.jpg"); !errors.Is(err, ErrNotFound) {
		t.Errorf("StatIndex.Check(missing) = %v, want ErrNotFound", err)
	}
	if err := st.Check("files/p10/d.jpg"); !errors.Is(err, safeio.ErrNotRegular) || errors.Is(err, ErrNotFound) {
		t.Errorf("StatIndex.Check(a folder) = %v, want ErrNotRegular", err)
	}
	if err := s.Check("files/p10/p10000032/s1/c.jpg"); !errors.Is(err, ErrNotListed) {
		t.Errorf("ImageSet.Check(unlisted) = %v, want ErrNotListed", err)
	}
}

func TestLocate(t *testing.T) {
	root := t.TempDir()
	mk := func(rel string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	mk("physionet.org/files/mimic-cxr-jpg/2.0.0/mimic-cxr-2.0.0-metadata.csv.gz")
	mk("physionet.org/mimic-cxr-2.0.0-split.csv.gz")
	mk("physionet.org/mimic-cxr-2.0.0-split.csv")
	mk("mimic-cxr-2.0.0-chexpert.csv.gz")
	mk("deep/a/b/c/d/mimic-cxr-2.0.0-negbio.csv") // too deep
	mk("IMAGE_FILENAMES")
	mk("files/p10/mimic-cxr-2.0.0-metadata.csv")         // inside the image tree: never searched
	mk("files/p10/p10000032/mimic-cxr-2.0.0-negbio.csv") // likewise
	f, err := Locate(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "physionet.org/files/mimic-cxr-jpg/2.0.0/mimic-cxr-2.0.0-metadata.csv.gz"); f.Metadata != want {
		t.Fatalf("metadata %q, want %q", f.Metadata, want)
	}
	if f.Root != root {
		t.Errorf("root %q, want %q (no files/ next to the metadata)", f.Root, root)
	}
	// PhysioNet's layout: files/ next to the CSVs, none at the given root.
	pn := t.TempDir()
	os.MkdirAll(filepath.Join(pn, "physionet.org/files/mimic-cxr-jpg/2.0.0/files/p10"), 0o755)
	os.WriteFile(filepath.Join(pn, "physionet.org/files/mimic-cxr-jpg/2.0.0", MetadataName), []byte("x"), 0o644)
	if g, err := Locate(pn); err != nil || g.Root != filepath.Join(pn, "physionet.org/files/mimic-cxr-jpg/2.0.0") {
		t.Errorf("PhysioNet layout: root %q, %v", g.Root, err)
	}
	mk("x/mimic-cxr-2.0.0-metadata.csv.gz")
	f, err = Locate(root)
	if err != nil {
		t.Fatal(err)
	}
	want := Files{Root: root,
		Metadata:       filepath.Join(root, "x/mimic-cxr-2.0.0-metadata.csv.gz"),
		Split:          filepath.Join(root, "physionet.org/mimic-cxr-2.0.0-split.csv"),
		CheXpert:       filepath.Join(root, "mimic-cxr-2.0.0-chexpert.csv.gz"),
		ImageFilenames: filepath.Join(root, "IMAGE_FILENAMES")}
	if f != want {
		t.Fatalf("Locate =\n%+v\nwant\n%+v", f, want)
	}
	if _, err := Locate(filepath.Join(root, "nope")); err == nil {
		t.Error("missing root accepted")
	}
	if _, err := Locate(filepath.Join(root, "files")); err == nil || !strings.Contains(err.Error(), MetadataName) {
		t.Errorf("no metadata: error %v should name %s", err, MetadataName)
	}
}

// TestLocateSymlinkRoot: a MIMIC root given as a symbolic link to the
// real folder is searched like the folder itself.
func TestLocateSymlinkRoot(t *testing.T) {
	real := t.TempDir()
	if err := os.WriteFile(filepath.Join(real, MetadataName), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "mimic")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	f, err := Locate(link)
	if err != nil || filepath.Base(f.Metadata) != MetadataName {
		t.Errorf("Locate(symlink) = %+v, %v", f, err)
	}
}

// TestLineLimit: a CSV (plain or gzip) with a line longer than
// MaxLineBytes is refused with the file and line named, without reading
// the rest.
func TestLineLimit(t *testing.T) {
	dir := t.TempDir()
	long := "dicom_id,subject_id\n" + strings.Repeat("x", MaxLineBytes+10) + "\n"
	plain := filepath.Join(dir, "m.csv")
	os.WriteFile(plain, []byte(long), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(long))
	zw.Close()
	packed := filepath.Join(dir, "m.csv.gz")
	os.WriteFile(packed, gz.Bytes(), 0o644)
	for _, p := range []string{plain, packed} {
		rc, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: %v, want ErrLineTooLong at line 2", p, err)
		}
	}
}

// TestMetadataBadText: a NUL byte, another control character or invalid
// UTF-8 in any field makes the row a bad_text row error naming the column,
// so no such byte reaches the output CSVs.
func TestMetadataBadText(t *testing.T) {
	head := "dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition\n"
	good := "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014,10000032,50414267,CHEST (PA AND LAT),PA\n"
	for name, row := range map[string]string{
		"nul":     "12aa804e-bde0afdd-112c0b34-7bc16630-4e384014,10000032,50414267,CHEST\x00,PA\n",
		"control": "12aa804e-bde0afdd-112c0b34-7bc16630-4e384014,10000032,50414267,CHEST\x1b[31m,PA\n",
		"latin1":  "12aa804e-bde0afdd-112c0b34-7bc16630-4e384014,10000032,50414267,CH\xe9ST,PA\n",
	} {
		r, err := NewMetadataReader(name, strings.NewReader(head+good+row))
		if err != nil {
			t.Fatal(err)
		}
		first, err := r.Next()
		if err != nil || first.Err != nil {
			t.Fatalf("%s: good row: %v %v", name, err, first.Err)
		}
		second, err := r.Next()
		if err != nil || second.Err == nil || second.Err.Reason != ReasonBadText || !strings.Contains(second.Err.Detail, "PerformedProcedureStepDescription") {
			t.Errorf("%s: %v, row error %+v; want bad_text naming the column", name, err, second.Err)
		}
	}
}
