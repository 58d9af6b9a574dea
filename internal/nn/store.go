package nn

import "fmt"

// Param is a named array inside a Store (a weight, a bias, a running
// statistic). Data is a view into the Store's flat slice.
type Param struct {
	Name  string
	Shape []int
	Off   int // offset of Data in Store.Data
	Data  []float32
}

// Size returns the number of elements.
func (p *Param) Size() int { return len(p.Data) }

// Store holds named parameters in one contiguous slice, in declaration
// order, so optimisers and gradient reductions work on a single vector.
type Store struct {
	Params []*Param
	Data   []float32
	byName map[string]*Param
}

// NewStore allocates a store for the given names and shapes (parallel
// slices), in that order.
func NewStore(names []string, shapes [][]int) (*Store, error) {
	if len(names) != len(shapes) {
		return nil, fmt.Errorf("nn: %d names for %d shapes", len(names), len(shapes))
	}
	s := &Store{byName: make(map[string]*Param, len(names))}
	total := 0
	for i, name := range names {
		if _, dup := s.byName[name]; dup {
			return nil, fmt.Errorf("nn: duplicate parameter %q", name)
		}
		n := 1
		for _, d := range shapes[i] {
			n *= d
		}
		p := &Param{Name: name, Shape: append([]int(nil), shapes[i]...), Off: total}
		total += n
		s.Params = append(s.Params, p)
		s.byName[name] = p
	}
	s.Data = make([]float32, total)
	for _, p := range s.Params {
		n := 1
		for _, d := range p.Shape {
			n *= d
		}
		p.Data = s.Data[p.Off : p.Off+n : p.Off+n]
	}
	return s, nil
}

// Get returns the parameter with the given name, or nil.
func (s *Store) Get(name string) *Param { return s.byName[name] }

// Tensor is an NCHW float32 activation of a Graph. N is the planned
// (largest) batch; the graph's current batch may be smaller.
type Tensor struct {
	N, C, H, W int
	Data       []float32
	Grad       []float32 // nil when no gradient flows here
	noGrad     bool
}

// Per returns the number of elements of one image (C*H*W).
func (t *Tensor) Per() int { return t.C * t.H * t.W }

// HW returns the number of pixels of one channel.
func (t *Tensor) HW() int { return t.H * t.W }

// Image returns image i's C*H*W values.
func (t *Tensor) Image(i int) []float32 { p := t.Per(); return t.Data[i*p : (i+1)*p] }

// GradImage returns the gradient of image i.
func (t *Tensor) GradImage(i int) []float32 { p := t.Per(); return t.Grad[i*p : (i+1)*p] }
