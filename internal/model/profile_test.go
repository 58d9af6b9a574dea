package model

import (
	"os"
	"testing"

	"github.com/cxlseg/cxlseg/internal/nn"
)

// TestProfileTrainStep prints a per-layer time profile of SA-UNet training
// steps at 224, batch 8, when CXLSEG_PROFILE is set (a tool for tuning, not
// a check).
func TestProfileTrainStep(t *testing.T) {
	if os.Getenv("CXLSEG_PROFILE") == "" {
		t.Skip("set CXLSEG_PROFILE=1 to profile a training step")
	}
	m, err := New(Config{Arch: "saunet", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	gm, _ := nn.NewGemm("auto")
	e := nn.NewEngine(gm, 2)
	defer e.Close()
	tr, err := NewTrainerEngine(m, e, 8, 224, DefaultAdam())
	if err != nil {
		t.Fatal(err)
	}
	x, y := benchData(8, 224, 1)
	if _, err := tr.Step(x, y, 8); err != nil {
		t.Fatal(err)
	}
	tr.g.Profile = true
	for i := 0; i < 2; i++ {
		if _, err := tr.Step(x, y, 8); err != nil {
			t.Fatal(err)
		}
	}
	t.Log(tr.g.ProfileReport())
}
