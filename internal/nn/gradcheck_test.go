package nn

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// opCase builds a small graph: Input -> 1x1 conv "pre" (so the op's input
// carries a gradient) -> op under test -> output.
type opCase struct {
	name   string
	c, h   int // input channels and side
	params map[string][]int
	build  func(g *Graph, s *Store, x *Tensor) *Tensor
}

func opCases() []opCase {
	p := func(kv ...any) map[string][]int {
		m := map[string][]int{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].([]int)
		}
		return m
	}
	return []opCase{
		{"conv3x3", 3, 6, p("w", []int{4, 3, 3, 3}, "b", []int{4}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), s.Get("b"))
		}},
		{"conv3x3_4ch", 4, 8, p("w", []int{8, 4, 3, 3}, "b", []int{8}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), s.Get("b"))
		}},
		{"conv3x3_8ch", 8, 5, p("w", []int{8, 8, 3, 3}, "b", []int{8}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), s.Get("b"))
		}},
		{"conv7x7_4ch", 4, 9, p("w", []int{4, 4, 7, 7}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), nil)
		}},
		{"conv7x7", 2, 8, p("w", []int{1, 2, 7, 7}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), nil)
		}},
		{"conv1x1", 3, 4, p("w", []int{2, 3, 1, 1}, "b", []int{2}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.Conv(x, s.Get("w"), s.Get("b"))
		}},
		{"convT", 3, 4, p("w", []int{3, 2, 3, 3}, "b", []int{2}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.ConvT(x, s.Get("w"), s.Get("b"))
		}},
		{"convT_8ch", 3, 5, p("w", []int{3, 8, 3, 3}, "b", []int{8}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.ConvT(x, s.Get("w"), s.Get("b"))
		}},
		{"bn_relu_dropblock", 3, 8, p("g", []int{3}, "b", []int{3}, "rm", []int{3}, "rv", []int{3}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.BatchNorm(x, s.Get("g"), s.Get("b"), s.Get("rm"), s.Get("rv"), nil, DropBlockConfig{Keep: 0.7, Block: 3}, true)
		}},
		{"bn_relu", 3, 8, p("g", []int{3}, "b", []int{3}, "rm", []int{3}, "rv", []int{3}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.BatchNorm(x, s.Get("g"), s.Get("b"), s.Get("rm"), s.Get("rv"), nil, DropBlockConfig{Keep: 1}, true)
		}},
		{"bn_dropblock", 3, 8, p("g", []int{3}, "b", []int{3}, "rm", []int{3}, "rv", []int{3}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.BatchNorm(x, s.Get("g"), s.Get("b"), s.Get("rm"), s.Get("rv"), nil, DropBlockConfig{Keep: 0.7, Block: 3}, false)
		}},
		{"bn", 2, 4, p("g", []int{2}, "b", []int{2}, "rm", []int{2}, "rv", []int{2}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.BatchNorm(x, s.Get("g"), s.Get("b"), s.Get("rm"), s.Get("rv"), nil, DropBlockConfig{Keep: 1}, false)
		}},
		{"maxpool", 2, 6, nil, func(g *Graph, _ *Store, x *Tensor) *Tensor { return g.MaxPool2(x) }},
		{"concat_self", 2, 4, nil, func(g *Graph, _ *Store, x *Tensor) *Tensor { return g.Concat(x, x) }},
		{"meanmax", 3, 4, nil, func(g *Graph, _ *Store, x *Tensor) *Tensor { return g.MeanMax(x) }},
		{"sigmoidmul", 3, 4, p("w", []int{1, 3, 1, 1}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.SigmoidMul(x, g.Conv(x, s.Get("w"), nil))
		}},
		{"upsample", 2, 3, nil, func(g *Graph, _ *Store, x *Tensor) *Tensor { return g.Upsample2(x) }},
		{"addrelu", 2, 4, p("w", []int{2, 2, 1, 1}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.AddReLU(x, g.Conv(x, s.Get("w"), nil))
		}},
		{"dropout", 2, 4, nil, func(g *Graph, _ *Store, x *Tensor) *Tensor { return g.Dropout(x, 0.3) }},
		{"relu_inplace", 2, 4, p("w", []int{2, 2, 1, 1}), func(g *Graph, s *Store, x *Tensor) *Tensor {
			return g.ReLU(g.Conv(x, s.Get("w"), nil))
		}},
	}
}

// TestOpGradients checks every op's backward pass against central finite
// differences of L = sum(y * r), through the parameters of the op and of a
// 1x1 conv in front of it (which checks the op's input gradient).
func TestOpGradients(t *testing.T) {
	const batch = 2
	for _, tc := range opCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			names := []string{"pre.w", "pre.b"}
			shapes := [][]int{{tc.c, tc.c, 1, 1}, {tc.c}}
			for _, n := range slices.Sorted(maps.Keys(tc.params)) {
				names, shapes = append(names, n), append(shapes, tc.params[n])
			}
			s, err := NewStore(names, shapes)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s.Data {
				s.Data[i] = float32(rng.NormFloat64() * 0.5)
			}
			if p := s.Get("g"); p != nil {
				for i := range p.Data {
					p.Data[i] = 1 + 0.2*float32(i)
				}
			}
			e := NewEngine(NewGoGemm(), 2)
			defer e.Close()
			g := NewGraph(e, s, batch, true)
			g.Seed, g.Step = 7, 3
			in := g.Input(tc.c, tc.h, tc.h)
			x := g.Conv(in, s.Get("pre.w"), s.Get("pre.b"))
			y := tc.build(g, s, x)
			g.Output(y)
			if err := g.Plan(); err != nil {
				t.Fatal(err)
			}
			for i := range in.Data {
				in.Data[i] = float32(rng.NormFloat64())
			}
			r := make([]float64, len(y.Data))
			for i := range r {
				r[i] = rng.NormFloat64()
			}
			loss := func() float64 {
				g.Forward()
				var l float64
				for i, v := range y.Data {
					l += float64(v) * r[i]
				}
				return l
			}
			loss()
			for i := range y.Grad {
				y.Grad[i] = float32(r[i])
			}
			g.Backward()
			grads := append([]float32(nil), g.ParamGrads()...)
			// A small step, since a step across a ReLU kink spoils the
			// difference; the convolution cases are linear in every
			// parameter, so a larger step is exact there and keeps the
			// float32 rounding of the loss (about 1e-5 here, which the
			// scalar kernel of -tags purego builds shows) out of it.
			eps := float32(2e-4)
			if strings.HasPrefix(tc.name, "conv") {
				eps = 1e-2
			}
			checked := 0
			for _, p := range s.Params {
				if p.Name == "rm" || p.Name == "rv" {
					continue
				}
				for j := range p.Data {
					k := p.Off + j
					old := s.Data[k]
					s.Data[k] = old + eps
					lp := loss()
					s.Data[k] = old - eps
					lm := loss()
					s.Data[k] = old
					num := (lp - lm) / (2 * float64(eps))
					got := float64(grads[k])
					if math.Abs(got-num) > 2e-2+2e-2*math.Max(math.Abs(got), math.Abs(num)) {
						t.Errorf("%s[%d]: backward %.5f, finite difference %.5f", p.Name, j, got, num)
					}
					checked++
				}
			}
			if checked == 0 {
				t.Fatal("nothing checked")
			}
		})
	}
}

// TestPlanErrors checks that malformed graphs fail at Plan with an error.
func TestPlanErrors(t *testing.T) {
	s, err := NewStore([]string{"w", "w7"}, [][]int{{2, 3, 3, 3}, {1, 2, 7, 7}})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(NewGoGemm(), 1)
	defer e.Close()
	for name, build := range map[string]func(g *Graph){
		"channels":   func(g *Graph) { g.Output(g.Conv(g.Input(2, 4, 4), s.Get("w"), nil)) },
		"odd pool":   func(g *Graph) { g.Output(g.MaxPool2(g.Input(1, 5, 4))) },
		"no output":  func(g *Graph) { g.Input(1, 4, 4) },
		"gate shape": func(g *Graph) { x := g.Input(2, 4, 4); g.Output(g.SigmoidMul(x, x)) },
		"inplace shared": func(g *Graph) {
			x := g.Conv(g.Input(3, 4, 4), s.Get("w"), nil)
			r := g.ReLU(x)
			g.Output(g.Concat(r, x))
		},
	} {
		g := NewGraph(e, s, 1, true)
		build(g)
		if err := g.Plan(); err == nil {
			t.Errorf("%s: planned without error", name)
		}
	}
	if _, err := NewStore([]string{"a", "a"}, [][]int{{1}, {1}}); err == nil {
		t.Error("duplicate names accepted")
	}
}
