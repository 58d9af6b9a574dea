package mimic

import (
	"io"
	"strings"
	"testing"
)

// checkRowIDs asserts what a reader promises about a row without an
// error: its ids make a safe, canonical path inside files/.
func checkRowIDs(t *testing.T, dicom, subject, study string) {
	t.Helper()
	var p string
	var err error
	if dicom == "" {
		p, err = ReportPath(subject, study)
	} else {
		p, err = ImagePath(subject, study, dicom)
	}
	if err != nil {
		t.Fatalf("accepted row has bad ids (%q,%q,%q): %v", dicom, subject, study, err)
	}
	if !strings.HasPrefix(p, "files/p") || strings.Contains(p, "..") || strings.Contains(p, "//") || strings.ContainsAny(p, "\\\x00") {
		t.Fatalf("unsafe path %q", p)
	}
}

// FuzzMetadata feeds arbitrary bytes (plain or gzip) to the metadata
// reader: it must never panic or loop, and every row it accepts must have
// safe ids.
func FuzzMetadata(f *testing.F) {
	f.Add([]byte(mdHeader + mdRow("02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", "10000032", "50414267", "PA")))
	f.Add([]byte(mdHeader + mdRow("../x", "10000032", "50414267", "PA") + mdRow("a", "1x", "2", "AP")))
	f.Add([]byte("dicom_id,subject_id,study_id,ViewPosition\na,1,2,PA\na,1,2,PA\nb,1\n"))
	f.Add(gz(f, mdHeader+mdRow("a", "10000032", "50414267", "LATERAL")))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewMetadataReader("fuzz.csv", strings.NewReader(string(data)))
		if err != nil {
			return
		}
		defer r.Close()
		seen := map[string]bool{}
		for n := 0; ; n++ {
			row, err := r.Next()
			if err == io.EOF || err != nil {
				return
			}
			if len(row.Fields) != len(r.Header()) {
				t.Fatalf("row has %d fields, header %d", len(row.Fields), len(r.Header()))
			}
			if row.Err != nil {
				if row.Err.Line < 2 {
					t.Fatalf("row error on line %d", row.Err.Line)
				}
				continue
			}
			if seen[row.DicomID] {
				t.Fatalf("duplicate %q not flagged", row.DicomID)
			}
			seen[row.DicomID] = true
			checkRowIDs(t, row.DicomID, row.SubjectID, row.StudyID)
		}
	})
}

// FuzzSplit does the same for the split reader.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("dicom_id,study_id,subject_id,split\na1,50414267,10000032,train\na2,50414267,10000032,validate\n"))
	f.Add([]byte("split,dicom_id,study_id,subject_id\ntest,a..b,1,2\ndev,a,1,2\n"))
	f.Add(gz(f, "dicom_id,study_id,subject_id,split\na1,50414267,10000032,test\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewSplitReader("fuzz.csv", strings.NewReader(string(data)))
		if err != nil {
			return
		}
		defer r.Close()
		for {
			row, err := r.Next()
			if err != nil {
				return
			}
			if row.Err != nil {
				continue
			}
			if row.Split != Train && row.Split != Validate && row.Split != Test {
				t.Fatalf("accepted split %q", row.Split)
			}
			checkRowIDs(t, row.DicomID, row.SubjectID, row.StudyID)
		}
	})
}

// FuzzLabels does the same for the label reader; accepted values must be
// empty or parse as 1, 0 or -1.
func FuzzLabels(f *testing.F) {
	f.Add([]byte("subject_id,study_id,Atelectasis,Cardiomegaly\n10000032,50414267,1.0,\n10000032,50414268,-1.0,0.0\n"))
	f.Add([]byte("study_id,No Finding,subject_id\n1,2.5,3\n1,,3\n1,,3\n"))
	f.Add(gz(f, "subject_id,study_id,Edema\n10000032,50414267,-1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewLabelsReader("fuzz.csv", strings.NewReader(string(data)))
		if err != nil {
			return
		}
		defer r.Close()
		for {
			row, err := r.Next()
			if err != nil {
				return
			}
			if row.Err != nil {
				continue
			}
			if len(row.Values) != len(r.Names()) {
				t.Fatalf("%d values for %d names", len(row.Values), len(r.Names()))
			}
			for _, v := range row.Values {
				if _, ok := internLabel(v); !ok {
					t.Fatalf("accepted label value %q", v)
				}
			}
			checkRowIDs(t, "", row.SubjectID, row.StudyID)
		}
	})
}

// FuzzReportName feeds zip entry names to the report indexer: accepted
// names give canonical ids whose report path ends the name.
func FuzzReportName(f *testing.F) {
	for _, s := range []string{"files/p10/p10000032/s50414267.txt", "p10/p10000032/s50414267.txt",
		"mimic-cxr-reports/files/p19/p19999987/s58971208.txt", "files/p11/p10000032/s1.txt",
		"../p10/p10000032/s1.txt", "files\\p10\\p10000032\\s1.txt", "p1/p1/s1.txt", "files/p10/p010/s1.txt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		sub, stu, ok := ParseReportName(name)
		if !ok {
			return
		}
		p, err := ReportPath(sub, stu)
		if err != nil {
			t.Fatalf("accepted %q with bad ids: %v", name, err)
		}
		if !strings.HasSuffix(strings.ReplaceAll(name, `\`, "/"), strings.TrimPrefix(p, "files/")) {
			t.Fatalf("name %q does not end with %q", name, p)
		}
	})
}

// FuzzImageFilenames feeds arbitrary lists to ReadImageFilenames through
// a temporary file: no panic, and every listed line is found again.
func FuzzImageFilenames(f *testing.F) {
	f.Add([]byte("files/p10/p10000032/s50414267/a.jpg\n./files/p10/p10000032/s50414267/b.jpg\r\n\n"))
	f.Add(gz(f, "files/p10/p10000032/s50414267/a.jpg\n"))
	f.Add([]byte(strings.Repeat("x", 70000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := writeTemp(t, "IMAGE_FILENAMES", data)
		s, err := ReadImageFilenames(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(data) > 0 && data[0] != 0x1f {
			for _, line := range strings.Split(string(data), "\n") {
				l := strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(line), `\`, "/"), "./")
				if l != "" && s.Check(l) != nil {
					t.Fatalf("line %q not found", l)
				}
			}
		}
	})
}
