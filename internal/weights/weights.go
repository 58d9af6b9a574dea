// Package weights embeds cxlseg's default lung segmentation model,
// default.safetensors: SA-UNet (base 16) weights with PyTorch state_dict
// names and metadata (architecture, base channels, preprocessing ID, and for
// trained weights the data, recipe, epoch and validate Dice). MODEL_CARD.md
// at the repository root describes how they were trained and how they
// score.
//
// The file holds the SA-UNet fine-tuned on the adult Montgomery and
// Shenzhen sets with paediatric images mixed in (MODEL_CARD.md: test mean
// Dice 0.969 Montgomery, 0.962 Shenzhen, 0.966 paediatric; heart
// excluded). Before trained weights landed it held a randomly initialised
// placeholder, marked by the metadata entry "placeholder"; Placeholder
// reports whether such a file is embedded.
package weights

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"sync"

	"github.com/cxlseg/cxlseg/internal/safetensors"
)

//go:embed default.safetensors
var defaultModel []byte

// Default returns the embedded safetensors file. The slice is shared:
// callers must not modify it.
func Default() []byte { return defaultModel }

// SHA256 returns the hex SHA-256 of Default(), for manifests and logs.
func SHA256() string { return hashOnce() }

var hashOnce = sync.OnceValue(func() string {
	h := sha256.Sum256(defaultModel)
	return hex.EncodeToString(h[:])
})

// Metadata returns the embedded file's metadata.
func Metadata() (map[string]string, error) {
	f, err := safetensors.Read(defaultModel)
	if err != nil {
		return nil, err
	}
	return f.Metadata, nil
}

// Placeholder reports whether the embedded weights are the untrained
// placeholder rather than a trained model.
func Placeholder() bool {
	m, err := Metadata()
	if err != nil {
		return true
	}
	_, ok := m["placeholder"]
	return ok
}
