package lungdata

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseIndex(f *testing.F) {
	f.Add("id,source,image,mask,split\na,s,i.jpg,m.png,train\n")
	f.Add("id,source,image,mask,split,convention\n\"a,b\",s,x/i.jpg,x/m.png,test,heart-excluded\n")
	f.Add("id,source,image,mask,split\na,s,../i.jpg,m.png,train\n")
	f.Fuzz(func(t *testing.T, s string) {
		items, err := ParseIndex(strings.NewReader(s), "fuzz.csv", "/data")
		if err != nil {
			return
		}
		for _, it := range items {
			for _, p := range append([]string{it.Image}, it.Masks...) {
				if rel, err := filepath.Rel("/data", p); err != nil || !filepath.IsLocal(rel) {
					t.Fatalf("path %q escapes the data directory", p)
				}
			}
		}
	})
}

func FuzzDecodeJSRT(f *testing.F) {
	f.Add([]byte{0, 0, 0x0f, 0xff, 0x08, 0, 0x10, 0})
	f.Add(bytes.Repeat([]byte{0xff}, 18))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := DecodeJSRT(data)
		if err != nil {
			return
		}
		if g.Rect.Dx()*g.Rect.Dy()*2 != len(data) {
			t.Fatalf("%d bytes gave %v", len(data), g.Rect)
		}
	})
}
