package simd

import (
	"math/rand/v2"
	"testing"
)

// TestAreaHPass compares the kernel with the scalar definition, bit for
// bit, on random rows, offsets and weights.
func TestAreaHPass(t *testing.T) {
	if !HaveAVX2() {
		t.Skip("no AVX2 on this machine")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 50; it++ {
		dw, taps, sw := 16*(1+r.IntN(20))+r.IntN(16), 1+r.IntN(16), 64+r.IntN(3000)
		s := make([]byte, sw+3)
		for i := range s {
			s[i] = byte(r.IntN(256))
		}
		offs := make([]int32, taps*dw)
		ws := make([]float32, taps*dw)
		for i := range offs {
			offs[i] = int32(r.IntN(sw))
			ws[i] = r.Float32()
		}
		blocks := dw / 16
		got := make([]float32, dw)
		AreaHPass(got, s, offs, ws, taps, blocks)
		for dx := 0; dx < 16*blocks; dx++ {
			var want float32
			for k := range taps {
				want += float32(float32(s[offs[k*dw+dx]]) * ws[k*dw+dx])
			}
			if got[dx] != want {
				t.Fatalf("dw %d taps %d: column %d = %v, want %v", dw, taps, dx, got[dx], want)
			}
		}
	}
}
