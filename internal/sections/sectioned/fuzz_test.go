package sectioned

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseName checks report path recognition on arbitrary names (zip
// entries come from outside): no panic, and anything accepted is a
// canonical pXX/pSUBJECT/sSTUDY.txt whose parts agree.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"files/p10/p10000032/s50414267.txt", "p1/p1/s1.txt", "../p10/p10/s1.txt", `a\p10\p10000032\s5.txt`, "p10/p010/s5.txt", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n, ok := parseName(name)
		if !ok {
			return
		}
		if n.studyID == "" || strings.ContainsAny(n.studyID, "/\\.") {
			t.Fatalf("accepted %q with study %q", name, n.studyID)
		}
		if !strings.HasSuffix(strings.ReplaceAll(name, `\`, "/"), "/s"+n.studyID+".txt") {
			t.Fatalf("accepted %q: study %q not its file name", name, n.studyID)
		}
	})
}

// FuzzWalkCSV feeds arbitrary bytes as a report CSV: errors are fine,
// panics are not, and every visited row has its text column.
func FuzzWalkCSV(f *testing.F) {
	f.Add([]byte("uid,report\n1,\" FINAL REPORT\n IMPRESSION:  ok\n\"\n"))
	f.Add([]byte("uid,report\n1\n"))
	f.Add([]byte("report\n\"unterminated\n"))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "r.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = WalkCSV(p, "", "report", func(study, where string, text []byte) error {
			if !strings.HasPrefix(where, p+":") {
				t.Fatalf("where %q does not name the file", where)
			}
			return nil
		})
	})
}
