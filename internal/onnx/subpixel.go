package onnx

import (
	"fmt"
	"slices"
)

// subpixel returns a copy of g in which every ConvTranspose (3x3, stride
// 2, pads 1, output_padding 1: the networks' up-convolutions) is replaced
// by the equivalent 2x2 Conv with four times the output channels followed
// by DepthToSpace (blocksize 2, DCR). ONNX Runtime 1.30's CPU provider
// has no int8 ConvTranspose (a QDQ ConvTranspose runs as dequantize +
// float kernel, measured), but runs the 2x2 Conv as QLinearConv: 16
// instead of 9 multiply-adds per input pixel, channel pair and output
// pixel quartet, at several times the speed. g is not modified.
//
// Output pixel (2m+a, 2n+b) of the transposed convolution reads input rows
// m and m+1 (and columns n and n+1): with oy = 2*iy - 1 + ky, even rows
// (a=0) take ky=1 at iy=m, odd rows (a=1) ky=2 at iy=m and ky=0 at iy=m+1.
// The 2x2 Conv computes the four phases (a,b) as channel groups, and
// DepthToSpace interleaves them. The Conv keeps the ConvTranspose's output
// name, so a calibration of the fp32 graph (the same values, permuted)
// applies to it.
func subpixel(g *Graph) (*Graph, error) {
	inits := map[string]*Tensor{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	out := &Graph{Name: g.Name, Input: g.Input, Output: g.Output, Initializer: slices.Clone(g.Initializer)}
	renamed := map[string]string{}
	for _, n := range g.Node {
		nn := *n
		nn.Input = slices.Clone(n.Input)
		for j, in := range nn.Input {
			if r, ok := renamed[in]; ok {
				nn.Input[j] = r
			}
		}
		if n.OpType != "ConvTranspose" {
			out.Node = append(out.Node, &nn)
			continue
		}
		if !slices.Equal(intsAttr(n, "kernel_shape"), []int64{3, 3}) || !slices.Equal(intsAttr(n, "strides"), []int64{2, 2}) ||
			!slices.Equal(intsAttr(n, "pads"), []int64{1, 1, 1, 1}) || !slices.Equal(intsAttr(n, "output_padding"), []int64{1, 1}) ||
			len(n.Input) != 3 {
			return nil, fmt.Errorf("%s: only the networks' ConvTranspose (3x3, stride 2, pads 1, output_padding 1, bias) is supported", n.Name)
		}
		wt, bt := inits[n.Input[1]], inits[n.Input[2]]
		if wt == nil || bt == nil || wt.DataType != Float || bt.DataType != Float || len(wt.Dims) != 4 || len(bt.Dims) != 1 || wt.Dims[1] != bt.Dims[0] {
			return nil, fmt.Errorf("%s: weight and bias must be float32 initializers [cin,cout,3,3] and [cout]", n.Name)
		}
		cin, cout := int(wt.Dims[0]), int(wt.Dims[1])
		w, b := floats(wt.RawData), floats(bt.RawData)
		w2, b2 := subpixelWeights(w, b, cin, cout)
		wName, bName := n.Input[1]+".subpixel", n.Input[2]+".subpixel"
		out.Initializer = append(out.Initializer,
			floatTensor(wName, []int64{int64(4 * cout), int64(cin), 2, 2}, w2),
			floatTensor(bName, []int64{int64(4 * cout)}, b2))
		o := n.Output[0]
		out.Node = append(out.Node,
			&Node{Name: n.Name + ".subpixel", OpType: "Conv", Input: []string{nn.Input[0], wName, bName}, Output: []string{o},
				Attribute: []*Attribute{ints("kernel_shape", 2, 2), ints("pads", 0, 0, 1, 1), ints("strides", 1, 1)}},
			&Node{Name: n.Name + ".d2s", OpType: "DepthToSpace", Input: []string{o}, Output: []string{o + ".d2s"},
				Attribute: []*Attribute{intAttr("blocksize", 2), strAttr("mode", "DCR")}})
		renamed[o] = o + ".d2s"
	}
	for _, v := range g.Output {
		if _, ok := renamed[v.Name]; ok {
			return nil, fmt.Errorf("graph output %s comes from a ConvTranspose", v.Name)
		}
	}
	// Drop the ConvTransposes' weights, now unused.
	used := map[string]bool{}
	for _, n := range out.Node {
		for _, in := range n.Input {
			used[in] = true
		}
	}
	out.Initializer = slices.DeleteFunc(out.Initializer, func(t *Tensor) bool { return !used[t.Name] })
	return out, nil
}

// subpixelTap maps output phase a and input offset d (rows or columns) to
// the transposed convolution's kernel index, or -1 where none applies.
var subpixelTap = [2][2]int{{1, -1}, {2, 0}}

// subpixelWeights turns a ConvTranspose weight w [cin,cout,3,3] and bias b
// into the 2x2 Conv's [4*cout,cin,2,2] weight and [4*cout] bias, channel
// (a*2+b)*cout+co computing phase (a,b) of output channel co.
func subpixelWeights(w, b []float32, cin, cout int) ([]float32, []float32) {
	w2 := make([]float32, 4*cout*cin*4)
	b2 := make([]float32, 4*cout)
	for a := range 2 {
		for bb := range 2 {
			for co := range cout {
				oc := (a*2+bb)*cout + co
				b2[oc] = b[co]
				for ci := range cin {
					for dy := range 2 {
						for dx := range 2 {
							ky, kx := subpixelTap[a][dy], subpixelTap[bb][dx]
							if ky < 0 || kx < 0 {
								continue
							}
							w2[((oc*cin+ci)*2+dy)*2+dx] = w[((ci*cout+co)*3+ky)*3+kx]
						}
					}
				}
			}
		}
	}
	return w2, b2
}
