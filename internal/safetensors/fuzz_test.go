package safetensors

import (
	"bytes"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, and whatever
// it accepts must survive a Write/Read round trip unchanged.
func FuzzRead(f *testing.F) {
	f.Add(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, []byte{0, 0, 128, 63}))
	f.Add(build(`{"__metadata__":{"k":"v"},"b":{"dtype":"F16","shape":[2,1],"data_offsets":[0,4]}}`, []byte{0, 60, 0, 192}))
	f.Add(build(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, []byte{1, 2, 3, 4}))
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(data)
		if err != nil {
			return
		}
		ts := make([]Tensor, 0, len(file.Names))
		for _, n := range file.Names {
			ts = append(ts, file.Tensors[n])
		}
		var buf bytes.Buffer
		if err := Write(&buf, ts, file.Metadata); err != nil {
			t.Fatalf("accepted file does not write back: %v", err)
		}
		again, err := Read(buf.Bytes())
		if err != nil {
			t.Fatalf("written file does not read back: %v", err)
		}
		if len(again.Names) != len(file.Names) || len(again.Metadata) != len(file.Metadata) {
			t.Fatalf("round trip changed the file: %v vs %v", again.Names, file.Names)
		}
		for _, n := range file.Names {
			a, b := file.Tensors[n].Data, again.Tensors[n].Data
			if len(a) != len(b) {
				t.Fatalf("tensor %q: %d values became %d", n, len(a), len(b))
			}
		}
	})
}
