package evaluate

import (
	"fmt"
	"strconv"

	"github.com/cxlseg/cxlseg/internal/model"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/segment"
)

// NativeBackend decodes safetensors weights, checks that they were trained
// with this program's preprocessing at size (preprocess.CheckFor), and
// returns the native engine's predictor for them with the weights'
// metadata.
func NativeBackend(weights []byte, size, batch, threads int) (segment.Backend, map[string]string, error) {
	m, meta, err := model.Decode(weights)
	if err != nil {
		return nil, nil, err
	}
	if err := preprocess.CheckFor(meta, size); err != nil {
		return nil, nil, err
	}
	p, err := model.NewPredictor(m, batch, size, threads)
	if err != nil {
		return nil, nil, err
	}
	return p, meta, nil
}

// Describe summarises model metadata in one line for logs.
func Describe(meta map[string]string) string {
	s := fmt.Sprintf("%s base %s", meta[model.MetaArch], meta[model.MetaBase])
	if e, ok := meta["epoch"]; ok {
		s += ", epoch " + e
	}
	if d, ok := meta["val_dice"]; ok {
		if v, err := strconv.ParseFloat(d, 64); err == nil {
			s += fmt.Sprintf(", validate Dice %.4f", v)
		}
	}
	if _, ok := meta["placeholder"]; ok {
		s += " (UNTRAINED PLACEHOLDER)"
	}
	return s
}
