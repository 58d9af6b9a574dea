package onnx

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of the onnx.proto messages the exporter writes. Fields are
// written in ascending number order and zero scalars are left out, which
// is the layout protoc-generated encoders produce (testdata/tiny.onnx, made
// by one, is the golden file), so files stay byte-for-byte reproducible.
const (
	modelIRVersion       = 1
	modelProducerName    = 2
	modelProducerVersion = 3
	modelDocString       = 6
	modelGraph           = 7
	modelOpsetImport     = 8
	modelMetadataProps   = 14

	opsetDomain  = 1
	opsetVersion = 2

	entryKey   = 1
	entryValue = 2

	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphInput       = 11
	graphOutput      = 12

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5

	attrName   = 1
	attrF      = 2
	attrI      = 3
	attrS      = 4
	attrFloats = 7
	attrInts   = 8
	attrType   = 20

	tensorDims      = 1
	tensorDataType  = 2
	tensorFloatData = 4
	tensorName      = 8
	tensorRawData   = 9

	valueInfoName      = 1
	valueInfoType      = 2
	valueInfoDocString = 3

	typeTensorType  = 1 // TypeProto.tensor_type
	tensorTypeElem  = 1 // TypeProto.Tensor.elem_type
	tensorTypeShape = 2 // TypeProto.Tensor.shape
	shapeDim        = 1 // TensorShapeProto.dim
	dimensionValue  = 1 // TensorShapeProto.Dimension.dim_value
	dimensionParam  = 2 // TensorShapeProto.Dimension.dim_param
)

// builder appends one message's fields in protobuf wire format. Scalar
// helpers skip zero values (proto3 implicit presence); the *Always
// variants are for repeated elements and oneof members, which are written
// whatever their value.
type builder struct{ b []byte }

func (e *builder) int(n protowire.Number, v int64) {
	if v != 0 {
		e.intAlways(n, v)
	}
}

func (e *builder) intAlways(n protowire.Number, v int64) {
	e.b = protowire.AppendTag(e.b, n, protowire.VarintType)
	e.b = protowire.AppendVarint(e.b, uint64(v)) // negative ints take 10 bytes, as in protobuf
}

func (e *builder) float(n protowire.Number, v float32) {
	if math.Float32bits(v) != 0 { // -0 is not the default, so it is kept
		e.b = protowire.AppendTag(e.b, n, protowire.Fixed32Type)
		e.b = protowire.AppendFixed32(e.b, math.Float32bits(v))
	}
}

func (e *builder) bytes(n protowire.Number, v []byte) {
	if len(v) > 0 {
		e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
		e.b = protowire.AppendBytes(e.b, v)
	}
}

func (e *builder) str(n protowire.Number, v string) {
	if v != "" {
		e.strAlways(n, v)
	}
}

func (e *builder) strAlways(n protowire.Number, v string) {
	e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
	e.b = protowire.AppendString(e.b, v)
}

func (e *builder) strs(n protowire.Number, vs []string) {
	for _, v := range vs {
		e.strAlways(n, v)
	}
}

// ints writes a packed repeated int64 field.
func (e *builder) ints(n protowire.Number, vs []int64) {
	if len(vs) == 0 {
		return
	}
	size := 0
	for _, v := range vs {
		size += protowire.SizeVarint(uint64(v))
	}
	e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
	e.b = protowire.AppendVarint(e.b, uint64(size))
	for _, v := range vs {
		e.b = protowire.AppendVarint(e.b, uint64(v))
	}
}

// floats writes a packed repeated float field.
func (e *builder) floats(n protowire.Number, vs []float32) {
	if len(vs) == 0 {
		return
	}
	e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
	e.b = protowire.AppendVarint(e.b, uint64(4*len(vs)))
	for _, v := range vs {
		e.b = protowire.AppendFixed32(e.b, math.Float32bits(v))
	}
}

// message writes a sub-message that fill encodes. The sub-message is built
// in its own buffer and copied, because its length prefix comes first; a
// model is copied once per nesting level (three for weights), which is
// cheap next to building it.
func (e *builder) message(n protowire.Number, fill func(*builder)) {
	var sub builder
	fill(&sub)
	e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
	e.b = protowire.AppendBytes(e.b, sub.b)
}

// Encode returns m in the ONNX protobuf wire format, deterministically.
func (m *Model) Encode() []byte {
	var e builder
	e.int(modelIRVersion, m.IRVersion)
	e.str(modelProducerName, m.ProducerName)
	e.str(modelProducerVersion, m.ProducerVersion)
	e.str(modelDocString, m.DocString)
	if m.Graph != nil {
		e.message(modelGraph, m.Graph.encode)
	}
	for _, o := range m.OpsetImport {
		e.message(modelOpsetImport, func(e *builder) {
			e.str(opsetDomain, o.Domain)
			e.int(opsetVersion, o.Version)
		})
	}
	for _, p := range m.MetadataProps {
		e.message(modelMetadataProps, func(e *builder) {
			e.str(entryKey, p.Key)
			e.str(entryValue, p.Value)
		})
	}
	return e.b
}

func (g *Graph) encode(e *builder) {
	for _, n := range g.Node {
		e.message(graphNode, n.encode)
	}
	e.str(graphName, g.Name)
	for _, t := range g.Initializer {
		e.message(graphInitializer, t.encode)
	}
	for _, v := range g.Input {
		e.message(graphInput, v.encode)
	}
	for _, v := range g.Output {
		e.message(graphOutput, v.encode)
	}
}

func (n *Node) encode(e *builder) {
	e.strs(nodeInput, n.Input)
	e.strs(nodeOutput, n.Output)
	e.str(nodeName, n.Name)
	e.str(nodeOpType, n.OpType)
	for _, a := range n.Attribute {
		e.message(nodeAttribute, a.encode)
	}
}

func (a *Attribute) encode(e *builder) {
	e.str(attrName, a.Name)
	e.float(attrF, a.F)
	e.int(attrI, a.I)
	e.str(attrS, a.S)
	e.floats(attrFloats, a.Floats)
	e.ints(attrInts, a.Ints)
	e.int(attrType, int64(a.Type))
}

func (t *Tensor) encode(e *builder) {
	e.ints(tensorDims, t.Dims)
	e.int(tensorDataType, int64(t.DataType))
	e.floats(tensorFloatData, t.FloatData)
	e.str(tensorName, t.Name)
	e.bytes(tensorRawData, t.RawData)
}

func (v *ValueInfo) encode(e *builder) {
	e.str(valueInfoName, v.Name)
	e.message(valueInfoType, func(e *builder) {
		e.message(typeTensorType, func(e *builder) {
			e.int(tensorTypeElem, int64(v.ElemType))
			e.message(tensorTypeShape, func(e *builder) {
				for _, d := range v.Shape {
					e.message(shapeDim, d.encode)
				}
			})
		})
	})
	e.str(valueInfoDocString, v.DocString)
}

// encode writes the set member of the dim_value/dim_param oneof, even
// when it is zero.
func (d Dim) encode(e *builder) {
	if d.Param != "" {
		e.strAlways(dimensionParam, d.Param)
		return
	}
	e.intAlways(dimensionValue, d.Value)
}
