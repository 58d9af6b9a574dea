package builder

import (
	"bytes"
	"context"
	"image/jpeg"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/cxlseg/cxlseg/internal/sample"
)

// BenchmarkImageStagesMIMIC times the per-image work around inference
// (decode, both 224 views, clean-up, AND, two encodes, QA) on one
// 2544x3056 quality-95 phantom, the size of a MIMIC original.
func BenchmarkImageStagesMIMIC(b *testing.B) {
	img, _ := sample.Phantom(sample.RandomPhantom(rand.New(rand.NewPCG(1, 2))), sample.PhantomWidth, sample.PhantomHeight)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		b.Fatal(err)
	}
	o := Defaults()
	factory, decoder := newImageStages(&o)
	st, _ := factory()
	s := newSlot()
	s.reset(Item{DicomID: "x"})
	copy(s.prob, newLungBackend(0).probs)
	b.Logf("decoder: %s", decoder)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.data = buf.Bytes()
		s.segJPG.Reset()
		s.mskOut.Reset()
		if err := st.Pre(s); err != nil {
			b.Fatal(err)
		}
		if err := st.Post(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkPipelineSmall runs whole builds of 48 small images with an
// instant backend: the pipeline's own overhead (scheduling, journal,
// atomic writes, CSVs) per image.
func BenchmarkPipelineSmall(b *testing.B) {
	dir := b.TempDir()
	root := filepath.Join(dir, "mimic")
	writeMiniMimic(b, root, 48, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := testOptions(root, filepath.Join(dir, "out", string(rune('a'+i%26))), 0)
		o.NoResume = true
		t := time.Now()
		if _, err := Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(48/time.Since(t).Seconds(), "img/s")
	}
}
