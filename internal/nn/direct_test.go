package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// convCase is one convolution shape for the direct-kernel tests.
type convCase struct {
	ca, cb, cout, h, w, n int // cb > 0: the input is the concatenation [a, b]
	bias, relu            bool
}

func convCases() []convCase {
	return []convCase{
		{1, 0, 8, 5, 7, 1, true, true},
		{3, 0, 16, 9, 33, 2, true, true},
		{16, 0, 16, 28, 28, 1, true, true},
		{5, 0, 8, 13, 64, 3, false, false},
		{7, 0, 24, 6, 70, 1, true, false},
		{32, 0, 8, 11, 9, 2, false, true},
		{4, 6, 16, 10, 17, 2, true, true},
		{64, 64, 64, 14, 14, 1, true, true},
		{2, 0, 8, 1, 1, 1, true, true},
	}
}

// buildConv builds an inference graph of one convolution case and fills
// its input and weights from seed. im2col forces the im2col + sgemm path;
// concat writes the concatenation out with Concat first instead of using
// ConvReLUCat.
func buildConv(t testing.TB, c convCase, threads int, im2col, concat bool, seed uint64) (*Graph, *Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	cin := c.ca + c.cb
	s, err := NewStore([]string{"w", "b"}, [][]int{{c.cout, cin, 3, 3}, {c.cout}})
	if err != nil {
		t.Fatal(err)
	}
	copy(s.Data, randSlice(rng, len(s.Data)))
	var bias *Param
	if c.bias {
		bias = s.Get("b")
	}
	gm, err := NewGemm("auto")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(gm, threads)
	t.Cleanup(e.Close)
	g := NewGraph(e, s, c.n, false)
	g.im2colOnly = im2col
	a := g.Input(c.ca, c.h, c.w)
	var b, y *Tensor
	if c.cb > 0 {
		b = g.Input(c.cb, c.h, c.w)
	}
	if b != nil && !c.relu {
		t.Fatal("concatenated cases must use ReLU")
	}
	switch {
	case b != nil && concat:
		y = g.ConvReLU(g.Concat(a, b), s.Get("w"), bias)
	case b != nil:
		y = g.ConvReLUCat(a, b, s.Get("w"), bias)
	case c.relu:
		y = g.ConvReLU(a, s.Get("w"), bias)
	default:
		y = g.Conv(a, s.Get("w"), bias)
	}
	g.Output(y)
	if err := g.Plan(); err != nil {
		t.Fatal(err)
	}
	copy(a.Data, randSlice(rng, len(a.Data)))
	if b != nil {
		copy(b.Data, randSlice(rng, len(b.Data)))
	}
	return g, y
}

// runConv returns the output of one Forward of buildConv's graph.
func runConv(t testing.TB, c convCase, threads int, im2col, concat bool, seed uint64) []float32 {
	g, y := buildConv(t, c, threads, im2col, concat, seed)
	g.Forward()
	return append([]float32(nil), y.Data...)
}

// maxRelDiff returns max |got-want| over max(1, max |want|).
func maxRelDiff(got, want []float32) float64 {
	scale, d := 1.0, 0.0
	for i, w := range want {
		scale = max(scale, math.Abs(float64(w)))
		d = max(d, math.Abs(float64(got[i]-w)))
	}
	return d / scale
}

// eachConvKernel runs f with each direct 3x3 convolution kernel the CPU
// runs installed in turn (AVX-512 and AVX2 here), named by its tile.
func eachConvKernel(t testing.TB, f func(name string)) {
	ks := convKernels()
	if len(ks) == 0 {
		t.Skip("no direct convolution kernel on this CPU or build")
	}
	saved := directConv
	defer func() { directConv = saved }()
	for _, k := range ks {
		directConv = k
		f(fmt.Sprintf("%dx%d", k.group, k.block))
	}
}

// TestDirectConv checks the direct 3x3 kernels against im2col + sgemm on
// odd sizes, batch 1 and more, with and without bias, ReLU and a fused
// concatenation, at 1 and 2 threads: max |diff| <= 1e-5 of the output's
// scale (the two sum the 9*cin products in different orders). A kernel's
// own results must not depend on the thread count at all.
func TestDirectConv(t *testing.T) {
	eachConvKernel(t, func(k string) {
		for _, c := range convCases() {
			t.Run(fmt.Sprintf("%s/%+v", k, c), func(t *testing.T) {
				want := runConv(t, c, 1, true, c.cb > 0, 7)
				got1 := runConv(t, c, 1, false, false, 7)
				got2 := runConv(t, c, 2, false, false, 7)
				if d := maxRelDiff(got1, want); d > 1e-5 {
					t.Errorf("direct vs im2col: max relative diff %g", d)
				}
				for i := range got1 {
					if got1[i] != got2[i] {
						t.Fatalf("1 vs 2 threads differ at %d: %v %v", i, got1[i], got2[i])
					}
				}
			})
		}
	})
}

// TestConvReLUCat checks the fused concatenation on the im2col path (the
// one builds without the direct kernel use) against Concat + ConvReLU,
// bit for bit.
func TestConvReLUCat(t *testing.T) {
	for _, c := range convCases() {
		if c.cb == 0 {
			continue
		}
		want := runConv(t, c, 2, true, true, 3)
		got := runConv(t, c, 2, true, false, 3)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: differs at %d: %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkConv3x3 compares the direct kernels with im2col + sgemm on
// the SA-UNet's 3x3 convolution shapes (batch 8, 1 thread).
func BenchmarkConv3x3(b *testing.B) {
	for _, c := range []convCase{
		{16, 0, 16, 224, 224, 8, true, true},
		{16, 16, 16, 224, 224, 8, true, true},
		{32, 0, 32, 112, 112, 8, true, true},
		{64, 0, 64, 56, 56, 8, true, true},
		{128, 0, 128, 28, 28, 8, true, true},
	} {
		name := fmt.Sprintf("%dx%d_%d_to_%d", c.h, c.w, c.ca+c.cb, c.cout)
		b.Run(name+"/im2col", func(b *testing.B) { benchConv(b, c, true) })
		eachConvKernel(b, func(k string) {
			b.Run(name+"/direct"+k, func(b *testing.B) { benchConv(b, c, false) })
		})
	}
}

func benchConv(b *testing.B, c convCase, im2col bool) {
	g, _ := buildConv(b, c, 1, im2col, false, 1)
	g.Forward()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Forward()
	}
	flop := 2 * 9 * float64((c.ca+c.cb)*c.cout*c.h*c.w*c.n)
	b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// runConvT returns the output of one Forward of a ConvT (cin -> cout on
// n images of h x w) with weights and input from seed; im2col forces
// sgemm + col2im.
func runConvT(t testing.TB, cin, cout, h, w, n, threads int, bias, im2col bool, seed uint64) []float32 {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	s, err := NewStore([]string{"w", "b"}, [][]int{{cin, cout, 3, 3}, {cout}})
	if err != nil {
		t.Fatal(err)
	}
	copy(s.Data, randSlice(rng, len(s.Data)))
	var b *Param
	if bias {
		b = s.Get("b")
	}
	gm, err := NewGemm("auto")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(gm, threads)
	defer e.Close()
	g := NewGraph(e, s, n, false)
	g.im2colOnly = im2col
	x := g.Input(cin, h, w)
	y := g.ConvT(x, s.Get("w"), b)
	g.Output(y)
	if err := g.Plan(); err != nil {
		t.Fatal(err)
	}
	copy(x.Data, randSlice(rng, len(x.Data)))
	g.Forward()
	return append([]float32(nil), y.Data...)
}

// TestDirectConvT checks the direct transposed-convolution kernel against
// sgemm + col2im (max |diff| <= 1e-5 of the output's scale) and itself
// across thread counts (bit for bit).
func TestDirectConvT(t *testing.T) {
	if directConvT == nil {
		t.Skip("no direct transposed convolution kernel on this CPU or build")
	}
	for _, c := range []struct {
		cin, cout, h, w, n int
		bias               bool
	}{
		{1, 8, 1, 1, 1, true}, {3, 8, 5, 7, 2, false}, {16, 16, 9, 17, 1, true},
		{32, 16, 28, 28, 2, true}, {128, 64, 14, 14, 1, true}, {5, 24, 6, 33, 3, true},
		{2, 4, 3, 40, 1, true}, {7, 12, 4, 65, 2, false},
	} {
		want := runConvT(t, c.cin, c.cout, c.h, c.w, c.n, 1, c.bias, true, 5)
		got1 := runConvT(t, c.cin, c.cout, c.h, c.w, c.n, 1, c.bias, false, 5)
		got2 := runConvT(t, c.cin, c.cout, c.h, c.w, c.n, 2, c.bias, false, 5)
		if d := maxRelDiff(got1, want); d > 1e-5 {
			t.Errorf("%+v: direct vs sgemm+col2im: max relative diff %g", c, d)
		}
		for i := range got1 {
			if got1[i] != got2[i] {
				t.Fatalf("%+v: 1 vs 2 threads differ at %d", c, i)
			}
		}
	}
}

// TestMaxPoolRow checks the assembly pooling rows of inference graphs
// against the Go loop of training graphs, bit for bit, on widths that
// leave every tail length.
func TestMaxPoolRow(t *testing.T) {
	if maxPoolRow == nil {
		t.Skip("no pooling kernel on this CPU or build")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for ow := 1; ow <= 40; ow++ {
		r0, r1 := randSlice(rng, 2*ow), randSlice(rng, 2*ow)
		got := make([]float32, ow+1)
		got[ow] = 42
		maxPoolRow(r0, r1, got[:ow])
		for j := 0; j < ow; j++ {
			want := max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1])
			if got[j] != want {
				t.Fatalf("width %d: dst[%d] = %v, want %v", ow, j, got[j], want)
			}
		}
		if got[ow] != 42 {
			t.Fatalf("width %d: wrote past the row", ow)
		}
	}
}

// BenchmarkConvT3x3s2 compares the direct transposed-convolution kernel
// with sgemm + col2im on the SA-UNet's shapes (batch 8, 1 thread).
func BenchmarkConvT3x3s2(b *testing.B) {
	for _, c := range []struct{ cin, cout, h int }{{128, 64, 28}, {64, 32, 56}, {32, 16, 112}} {
		for _, im2col := range []bool{true, false} {
			if !im2col && directConvT == nil {
				continue
			}
			name := "direct"
			if im2col {
				name = "col2im"
			}
			b.Run(fmt.Sprintf("%dx%d_%d_to_%d/%s", c.h, c.h, c.cin, c.cout, name), func(b *testing.B) {
				s, err := NewStore([]string{"w", "b"}, [][]int{{c.cin, c.cout, 3, 3}, {c.cout}})
				if err != nil {
					b.Fatal(err)
				}
				gm, err := NewGemm("auto")
				if err != nil {
					b.Fatal(err)
				}
				e := NewEngine(gm, 1)
				defer e.Close()
				g := NewGraph(e, s, 8, false)
				g.im2colOnly = im2col
				g.Output(g.ConvT(g.Input(c.cin, c.h, c.h), s.Get("w"), s.Get("b")))
				if err := g.Plan(); err != nil {
					b.Fatal(err)
				}
				g.Forward()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					g.Forward()
				}
				flop := 2 * 9 * float64(c.cin*c.cout*c.h*c.h*8)
				b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkMaxPool2 compares the assembly pooling rows with the Go loop
// on the SA-UNet's first pooling (16 x 224 x 224, batch 8, 1 thread).
func BenchmarkMaxPool2(b *testing.B) {
	for _, name := range []string{"go", "asm"} {
		if name == "asm" && maxPoolRow == nil {
			continue
		}
		b.Run(name, func(b *testing.B) {
			if name == "go" {
				defer func(k func(r0, r1, dst []float32)) { maxPoolRow = k }(maxPoolRow)
				maxPoolRow = nil
			}
			gm, err := NewGemm("go")
			if err != nil {
				b.Fatal(err)
			}
			e := NewEngine(gm, 1)
			defer e.Close()
			s, err := NewStore(nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			g := NewGraph(e, s, 8, false)
			x := g.Input(16, 224, 224)
			g.Output(g.MaxPool2(x))
			if err := g.Plan(); err != nil {
				b.Fatal(err)
			}
			copy(x.Data, randSlice(rand.New(rand.NewPCG(1, 1)), len(x.Data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g.Forward()
			}
		})
	}
}

// convGrads runs one forward and backward pass of a training graph
// Input -> 1x1 conv -> 3x3 conv (cin -> cout) on n images of h x w and
// returns the parameter gradients and the gradient of the 3x3
// convolution's input. im2col forces the sgemm paths.
func convGrads(t *testing.T, cin, cout, h, w, n, threads int, im2col bool) (params, dx []float32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, uint64(cin)))
	s, err := NewStore([]string{"p", "w", "b"}, [][]int{{cin, cin, 1, 1}, {cout, cin, 3, 3}, {cout}})
	if err != nil {
		t.Fatal(err)
	}
	copy(s.Data, randSlice(rng, len(s.Data)))
	e := NewEngine(NewGoGemm(), threads)
	defer e.Close()
	g := NewGraph(e, s, n, true)
	g.im2colOnly = im2col
	in := g.Input(cin, h, w)
	x := g.Conv(in, s.Get("p"), nil)
	y := g.Conv(x, s.Get("w"), s.Get("b"))
	g.Output(y)
	if err := g.Plan(); err != nil {
		t.Fatal(err)
	}
	copy(in.Data, randSlice(rng, len(in.Data)))
	g.Forward()
	copy(y.Grad, randSlice(rng, len(y.Grad)))
	g.Backward()
	return append([]float32(nil), g.ParamGrads()...), append([]float32(nil), x.Grad...)
}

// TestDirectConvInputGrad checks the input gradient of training graphs,
// computed on the direct kernels, against im2col + sgemm (max |diff| <=
// 1e-5 of its scale), and every parameter gradient along with it.
func TestDirectConvInputGrad(t *testing.T) {
	eachConvKernel(t, func(k string) {
		for _, c := range [][5]int{{8, 8, 5, 7, 1}, {16, 8, 9, 33, 2}, {8, 24, 12, 12, 3}, {32, 16, 1, 40, 2}} {
			wantP, wantDx := convGrads(t, c[0], c[1], c[2], c[3], c[4], 2, true)
			gotP, gotDx := convGrads(t, c[0], c[1], c[2], c[3], c[4], 2, false)
			if d := maxRelDiff(gotDx, wantDx); d > 1e-5 {
				t.Errorf("%s %v: dx: max relative diff %g", k, c, d)
			}
			if d := maxRelDiff(gotP, wantP); d > 1e-5 {
				t.Errorf("%s %v: parameter gradients: max relative diff %g", k, c, d)
			}
		}
	})
}
