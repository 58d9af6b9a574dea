package onnx

import (
	"fmt"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// Metadata returns the metadata_props of a serialized ONNX model, so a
// loader can check the preprocessing a model expects before running it.
func Metadata(model []byte) (map[string]string, error) {
	var m pb.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil {
		return nil, fmt.Errorf("onnx: parse model: %w", err)
	}
	if m.Graph == nil {
		return nil, fmt.Errorf("onnx: model has no graph")
	}
	meta := make(map[string]string, len(m.MetadataProps))
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	return meta, nil
}
