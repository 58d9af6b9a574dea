package onnx

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Metadata returns the metadata_props of a serialized ONNX model, so a
// loader can check the preprocessing a model expects before running it.
// It checks the model's framing, that a graph is present and well framed,
// and the metadata entries; the graph's contents are left to ONNX
// Runtime, which validates them when it loads the model.
func Metadata(model []byte) (map[string]string, error) {
	meta := map[string]string{}
	hasGraph := false
	err := eachField(model, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch num {
		case modelGraph:
			if typ != protowire.BytesType {
				return fmt.Errorf("graph has wire type %d, want bytes", typ)
			}
			if err := eachField(v, func(protowire.Number, protowire.Type, []byte) error { return nil }); err != nil {
				return fmt.Errorf("graph: %w", err)
			}
			hasGraph = true
		case modelMetadataProps:
			if typ != protowire.BytesType {
				return fmt.Errorf("metadata_props has wire type %d, want bytes", typ)
			}
			k, val, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("metadata_props: %w", err)
			}
			meta[k] = val // a repeated key keeps its last value, as protobuf maps do
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onnx: parse model: %w", err)
	}
	if !hasGraph {
		return nil, errors.New("onnx: model has no graph")
	}
	return meta, nil
}

// decodeEntry decodes a StringStringEntryProto. Its strings must be UTF-8,
// as onnx.proto's string type requires.
func decodeEntry(b []byte) (key, value string, err error) {
	err = eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != entryKey && num != entryValue {
			return nil
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("field %d has wire type %d, want bytes", num, typ)
		}
		if !utf8.Valid(v) {
			return fmt.Errorf("field %d is not valid UTF-8", num)
		}
		if num == entryKey {
			key = string(v)
		} else {
			value = string(v)
		}
		return nil
	})
	return key, value, err
}

// eachField calls fn with every field of the wire-format message b, in
// order. v is the payload of a length-delimited field and nil for other
// wire types, which are only skipped. Malformed input (bad tags,
// truncation, lengths past the end) is an error, never a panic.
func eachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return fmt.Errorf("byte %d: bad field tag: %w", off, protowire.ParseError(n))
		}
		off += n
		var v []byte
		if typ == protowire.BytesType {
			v, n = protowire.ConsumeBytes(b[off:])
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b[off:])
		}
		if n < 0 {
			return fmt.Errorf("byte %d: field %d: %w", off, num, protowire.ParseError(n))
		}
		off += n
		if err := fn(num, typ, v); err != nil {
			return err
		}
	}
	return nil
}
