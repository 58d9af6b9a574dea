package testenv

import (
	"os"
	"regexp"
	"testing"
)

// DocSnippet returns the Python code fenced between <!-- snippet:NAME -->
// and <!-- /snippet:NAME --> in the Markdown file doc, so a test runs the
// code the documentation shows and the two cannot drift. A missing file or
// snippet fails the test.
func DocSnippet(t testing.TB, doc, name string) string {
	t.Helper()
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- snippet:" + regexp.QuoteMeta(name) + " -->\\s*```python\\n(.*?)```\\s*<!-- /snippet:" + regexp.QuoteMeta(name) + " -->")
	m := re.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no python snippet %q between markers", doc, name)
	}
	return string(m[1])
}
