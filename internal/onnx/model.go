package onnx

// The types below are the parts of the ONNX protobuf schema (onnx.proto,
// IR version 7) that the exporter writes, as plain Go values. They are
// encoded by hand (proto.go) rather than through generated protobuf code,
// which would pull a tensor library into every binary that exports or
// loads a model. Field names follow onnx.proto; the field numbers are in
// proto.go.

// DataType is TensorProto.DataType, the element type of a tensor.
type DataType int32

// The element types the exporter writes (values from onnx.proto). Float
// is the only one of fp32 graphs and of every graph's input and output;
// int8 graphs (Quantize) add Uint8 activations, Int8 weights and Int32
// biases.
const (
	Float DataType = 1 // IEEE 754 float32
	Uint8 DataType = 2
	Int8  DataType = 3
	Int32 DataType = 6
)

// AttrType is AttributeProto.AttributeType, which says which value field
// of an attribute is set.
type AttrType int32

// The attribute types the exporter writes (values from onnx.proto).
const (
	AttrFloat  AttrType = 1
	AttrInt    AttrType = 2
	AttrString AttrType = 3
	AttrFloats AttrType = 6
	AttrInts   AttrType = 7
)

// Model is ModelProto: a graph plus the opsets it uses and metadata.
type Model struct {
	IRVersion       int64
	OpsetImport     []OperatorSetID
	ProducerName    string
	ProducerVersion string
	DocString       string
	Graph           *Graph
	MetadataProps   []StringStringEntry
}

// OperatorSetID is OperatorSetIdProto; the empty Domain is "ai.onnx".
type OperatorSetID struct {
	Domain  string
	Version int64
}

// StringStringEntry is StringStringEntryProto, one metadata property.
type StringStringEntry struct {
	Key, Value string
}

// Graph is GraphProto: nodes in topological order, the constant tensors
// they read, and the graph's inputs and outputs.
type Graph struct {
	Name        string
	Node        []*Node
	Initializer []*Tensor
	Input       []*ValueInfo
	Output      []*ValueInfo
}

// Node is NodeProto, one operator. An empty input name is an omitted
// optional input.
type Node struct {
	Input     []string
	Output    []string
	Name      string
	OpType    string
	Attribute []*Attribute
}

// Attribute is AttributeProto; Type says which of F, I, S, Floats and Ints
// holds the value.
type Attribute struct {
	Name   string
	Type   AttrType
	F      float32
	I      int64
	S      string // bytes in onnx.proto; UTF-8 text for every attribute we write
	Floats []float32
	Ints   []int64
}

// Tensor is TensorProto with its data either as little-endian RawData or
// as FloatData (set one of them). No Dims is a scalar.
type Tensor struct {
	Dims      []int64
	DataType  DataType
	FloatData []float32
	Name      string
	RawData   []byte
}

// ValueInfo is ValueInfoProto restricted to tensor types: its TypeProto is
// a TypeProto.Tensor of ElemType with Shape.
type ValueInfo struct {
	Name      string
	ElemType  DataType
	Shape     []Dim
	DocString string
}

// Dim is TensorShapeProto.Dimension: a symbolic Param when it is not
// empty, else the fixed Value.
type Dim struct {
	Value int64
	Param string
}
