package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxlseg/cxlseg/internal/lungdata/lungdatatest"

	"github.com/cxlseg/cxlseg/internal/augment"
	"github.com/cxlseg/cxlseg/internal/lungdata"
	"github.com/cxlseg/cxlseg/internal/model"
	"github.com/cxlseg/cxlseg/internal/preprocess"
	"github.com/cxlseg/cxlseg/internal/safetensors"
)

// tinyData writes the synthetic training set: 64x64 pictures with two
// lung ellipses; 10 train (3 of them retrocardiac-included) and 4 validate.
func tinyData(t *testing.T) string {
	return lungdatatest.Write(t, lungdatatest.Options{RetrocardiacEvery: 4})
}

func tinyConfig(data, out string) Config {
	c := Default()
	c.Data, c.Out = data, out
	c.Base, c.Size, c.Batch, c.Epochs, c.LR = 4, 32, 4, 2, 1e-2
	c.Threads, c.V7Weight, c.Plateau, c.PlateauPatience = 2, 0.5, true, 1
	return c
}

func readTensors(t *testing.T, path string) *safetensors.File {
	t.Helper()
	f, err := safetensors.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestResumeGivesSameResult trains 2 epochs straight, and 1 epoch then a
// resumed second, and requires bit-identical checkpoints and histories.
func TestResumeGivesSameResult(t *testing.T) {
	data := tinyData(t)
	straight := tinyConfig(data, filepath.Join(t.TempDir(), "straight"))
	var log bytes.Buffer
	st, err := Run(t.Context(), straight, false, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if st.Done != 2 || len(st.History) != 2 {
		t.Fatalf("state %+v", st)
	}
	for _, want := range []string{"epoch 1/2 step", "img/s ETA", "epoch 2/2 done", "done: 2 epochs"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}

	split := tinyConfig(data, filepath.Join(t.TempDir(), "split"))
	split.StopAfter = 1
	if _, err := Run(t.Context(), split, false, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), split, false, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("rerun without resume over a checkpoint: %v", err)
	}
	split.StopAfter = 0
	var rlog bytes.Buffer
	st2, err := Run(t.Context(), split, true, &rlog)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rlog.String(), "resumed from") {
		t.Errorf("resume log:\n%s", rlog.String())
	}
	a, b := readTensors(t, filepath.Join(straight.Out, CheckpointFile)), readTensors(t, filepath.Join(split.Out, CheckpointFile))
	if len(a.Names) != len(b.Names) {
		t.Fatalf("%d vs %d tensors", len(a.Names), len(b.Names))
	}
	for _, n := range a.Names {
		ta, tb := a.Tensors[n], b.Tensors[n]
		for i := range ta.Data {
			if math.Float32bits(ta.Data[i]) != math.Float32bits(tb.Data[i]) {
				t.Fatalf("tensor %s[%d]: straight %v, resumed %v", n, i, ta.Data[i], tb.Data[i])
			}
		}
	}
	for i := range st.History {
		x, y := st.History[i], st2.History[i]
		if x.TrainLoss != y.TrainLoss || x.ValDice != y.ValDice || x.LR != y.LR {
			t.Errorf("epoch %d: straight %+v, resumed %+v", i+1, x, y)
		}
	}
	// A different configuration must not resume this checkpoint.
	other := split
	other.LR = 1e-3
	if _, err := Run(t.Context(), other, true, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("resume with another lr: %v", err)
	}
}

func TestOutputsAndBestMetadata(t *testing.T) {
	data := tinyData(t)
	cfg := tinyConfig(data, filepath.Join(t.TempDir(), "run"))
	cfg.Epochs = 3
	var log bytes.Buffer
	st, err := Run(t.Context(), cfg, false, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	// The loss must fall on this easy task.
	if h := st.History; !(h[len(h)-1].TrainLoss < h[0].TrainLoss) {
		t.Errorf("train loss did not fall: %+v", h)
	}
	best := readTensors(t, filepath.Join(cfg.Out, BestFile))
	md := best.Metadata
	if err := preprocess.CheckFor(md, 32); err != nil {
		t.Error(err)
	}
	if md["architecture"] != "saunet" || md["base_channels"] != "4" || md["epoch"] != fmt.Sprint(st.BestEpoch) || md["recipe"] == "" || md["val_dice"] == "" {
		t.Errorf("best metadata %v", md)
	}
	if _, ok := best.Tensors["adam.exp_avg.e1.0.weight"]; ok {
		t.Error("best.safetensors carries optimiser state")
	}
	logData, err := os.ReadFile(filepath.Join(cfg.Out, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(logData)), "\n")
	if len(lines) != 3 {
		t.Fatalf("log.jsonl has %d lines", len(lines))
	}
	var e Epoch
	if err := json.Unmarshal([]byte(lines[2]), &e); err != nil || e.Epoch != 3 || len(e.ValDiceBy) != 2 {
		t.Errorf("last log line %s (%v)", lines[2], err)
	}
	if fi, err := os.Stat(filepath.Join(cfg.Out, PlotFile)); err != nil || fi.Size() < 1000 {
		t.Errorf("plot: %v", err)
	}
	entries, _ := os.ReadDir(cfg.Out)
	for _, en := range entries {
		if strings.Contains(en.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", en.Name())
		}
	}
}

func TestEpochOrder(t *testing.T) {
	items := make([]lungdata.Item, 200)
	for i := range items {
		items[i].ID = fmt.Sprint(i)
		if i%2 == 0 {
			items[i].Convention = lungdata.RetrocardiacIncluded
		}
	}
	a, b := epochOrder(items, 1, 3, 0.3, nil), epochOrder(items, 1, 3, 0.3, nil)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed and epoch, different order")
	}
	if fmt.Sprint(a) == fmt.Sprint(epochOrder(items, 1, 4, 0.3, nil)) {
		t.Error("epochs 3 and 4 give the same order")
	}
	v7 := 0
	for _, i := range a {
		if i%2 == 0 {
			v7++
		}
	}
	if len(a)-v7 != 100 || v7 < 15 || v7 > 50 {
		t.Errorf("%d heart-excluded (want 100), %d V7 (want about 30)", len(a)-v7, v7)
	}
	if all := epochOrder(items, 1, 0, 1, nil); len(all) != 200 {
		t.Errorf("weight 1 keeps %d of 200", len(all))
	}
	if none := epochOrder(items, 1, 0, 0, nil); len(none) != 100 {
		t.Errorf("weight 0 keeps %d", len(none))
	}
}

func TestLimitItems(t *testing.T) {
	items := make([]lungdata.Item, 50)
	for i := range items {
		items[i].ID = fmt.Sprint("s", i%3, "/", i)
	}
	got := limitItems(items, 10, 1)
	if len(got) != 10 || fmt.Sprint(got) != fmt.Sprint(limitItems(items, 10, 1)) {
		t.Errorf("limit: %d items", len(got))
	}
	if len(limitItems(items, 0, 1)) != 50 || len(limitItems(items, 80, 1)) != 50 {
		t.Error("no-op limits changed the list")
	}
}

func TestLossAndDiceHelpers(t *testing.T) {
	y := []float32{1, 0, 1, 0}
	perfect := lossFromProbs([]float32{1, 0, 1, 0}, y)
	bad := lossFromProbs([]float32{0, 1, 0, 1}, y)
	if perfect > 1e-5 || bad < 10 {
		t.Errorf("loss perfect %v, wrong %v", perfect, bad)
	}
	if d := diceAt([]float32{0.9, 0.6, 0.1, 0}, []uint8{1, 0, 1, 0}); math.Abs(d-0.5) > 1e-12 {
		t.Errorf("dice %v, want 0.5", d)
	}
	if d := diceAt([]float32{0.1}, []uint8{0}); d != 1 {
		t.Errorf("empty dice %v", d)
	}
}

func TestConfigValidate(t *testing.T) {
	base := tinyConfig("d", "o")
	for name, mod := range map[string]func(*Config){
		"no data": func(c *Config) { c.Data = "" }, "batch 1": func(c *Config) { c.Batch = 1 },
		"size 30": func(c *Config) { c.Size = 30 }, "v7 2": func(c *Config) { c.V7Weight = 2 },
		"lr 0": func(c *Config) { c.LR = 0 }, "epochs 0": func(c *Config) { c.Epochs = 0 },
		"source weight 0":  func(c *Config) { c.Sources = map[string]float64{"a": 0} },
		"source weight 2":  func(c *Config) { c.Sources = map[string]float64{"a": 2} },
		"select untrained": func(c *Config) { c.Sources, c.Select = map[string]float64{"a": 1}, []string{"v7"} },
	} {
		c := base
		mod(&c)
		if c.validate() == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if err := base.validate(); err != nil {
		t.Error(err)
	}
}

func TestParseSources(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // fmt of the map, or "error"
	}{
		{"", "map[]"},
		{"montgomery,shenzhen", "map[montgomery:1 shenzhen:1]"},
		{" a=0.5 , b ", "map[a:0.5 b:1]"},
		{"a=0", "error"}, {"a=1.5", "error"}, {"a=x", "error"}, {"a,,b", "error"}, {"a,a", "error"}, {"=1", "error"},
	} {
		got, err := ParseSources(tc.in)
		s := fmt.Sprint(got)
		if got == nil && err == nil {
			s = "map[]"
		}
		if err != nil {
			s = "error"
		}
		if s != tc.want {
			t.Errorf("ParseSources(%q) = %s (%v), want %s", tc.in, s, err, tc.want)
		}
	}
}

// TestSourceWeights checks that a source weight thins that source's images
// per epoch, that sources multiply with the V7 weight, and that Select
// scores the listed sources alone.
func TestSourceWeights(t *testing.T) {
	items := make([]lungdata.Item, 300)
	for i := range items {
		items[i].ID = fmt.Sprint(i)
		items[i].Source = []string{"a", "b", "v7"}[i%3]
		if i%3 == 2 {
			items[i].Convention = lungdata.RetrocardiacIncluded
		}
	}
	order := epochOrder(items, 1, 0, 0.5, map[string]float64{"a": 1, "b": 0.25, "v7": 0.5})
	n := map[string]int{}
	for _, i := range order {
		n[items[i].Source]++
	}
	if n["a"] != 100 || n["b"] < 12 || n["b"] > 40 || n["v7"] < 10 || n["v7"] > 45 {
		t.Errorf("per-source counts %v: want a 100, b ~25, v7 ~25", n)
	}
	cfg := Config{V7Weight: 0.5, Select: []string{"b"}}
	if selectWeight(items[0], cfg) != 0 || selectWeight(items[1], cfg) != 1 {
		t.Error("Select does not score its sources alone")
	}
	cfg.Select = nil
	if selectWeight(items[2], cfg) != 0.5 || selectWeight(items[0], cfg) != 1 {
		t.Error("without Select the training weights should score")
	}
}

// TestSourcesAndInit trains on one source only, checks that the other
// source never appears (not even in validation), then fine-tunes from the
// first run's weights and checks that they were the starting point.
func TestSourcesAndInit(t *testing.T) {
	data := tinyData(t)
	c := tinyConfig(data, filepath.Join(t.TempDir(), "a"))
	c.Epochs, c.Sources, c.Select = 1, map[string]float64{"a": 1}, []string{"a"}
	var log bytes.Buffer
	st, err := Run(t.Context(), c, false, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if strings.Contains(log.String(), "v7") {
		t.Errorf("source v7 was used:\n%s", log.String())
	}
	if _, ok := st.History[0].ValDiceBy["retrocardiac-included"]; ok {
		t.Error("validation scored a left-out source")
	}
	best := filepath.Join(c.Out, BestFile)
	if !strings.Contains(readTensors(t, best).Metadata["recipe"], `"sources":{"a":1}`) {
		t.Error("recipe metadata lacks the sources")
	}

	ft := tinyConfig(data, filepath.Join(t.TempDir(), "ft"))
	ft.Epochs, ft.Init, ft.LR = 1, best, 1e-12
	log.Reset()
	if _, err := Run(t.Context(), ft, false, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "initialised from") {
		t.Errorf("no init line:\n%s", log.String())
	}
	// At a negligible learning rate the fine-tuned weights stay those of
	// the init (batch-norm buffers move, trainable weights do not).
	a, b := readTensors(t, best), readTensors(t, filepath.Join(ft.Out, BestFile))
	wa, _ := a.Get("e1.0.weight", 4, 1, 3, 3)
	wb, _ := b.Get("e1.0.weight", 4, 1, 3, 3)
	for i := range wa {
		if math.Abs(float64(wa[i]-wb[i])) > 1e-6 {
			t.Fatalf("e1.0.weight[%d]: init %v, fine-tuned %v", i, wa[i], wb[i])
		}
	}

	bad := ft
	bad.Out, bad.Base = filepath.Join(t.TempDir(), "bad"), 8
	if _, err := Run(t.Context(), bad, false, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "base 4") {
		t.Errorf("init of another base: %v", err)
	}
}

// TestPartialLabels marks the V7 train masks with a teacher and checks each
// pixel against the teacher's own prediction.
func TestPartialLabels(t *testing.T) {
	data := tinyData(t)
	c := tinyConfig(data, filepath.Join(t.TempDir(), "teacher"))
	c.Epochs = 1
	if _, err := Run(t.Context(), c, false, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	c.V7Teacher = filepath.Join(c.Out, BestFile)
	l, err := lungdata.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := lungdata.Load(t.Context(), lungdata.Filter(l.Items, lungdata.Train), c.Size, 1)
	if err != nil {
		t.Fatal(err)
	}
	orig := append([]uint8(nil), set.Masks...)
	var log bytes.Buffer
	if err := partialLabels(t.Context(), set, c, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "partial labels: teacher") {
		t.Errorf("log: %s", log.String())
	}
	tm, _, err := model.Load(c.V7Teacher)
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.NewPredictor(tm, 1, c.Size, 1)
	if err != nil {
		t.Fatal(err)
	}
	px := c.Size * c.Size
	x, prob := make([]float32, px), make([]float32, px)
	v7 := 0
	for i, it := range set.Items {
		m, o := set.Mask(i), orig[i*px:(i+1)*px]
		if it.Convention != lungdata.RetrocardiacIncluded {
			if !bytes.Equal(m, o) {
				t.Errorf("%s: heart-excluded mask changed", it.ID)
			}
			continue
		}
		v7++
		preprocess.ToUnit(x, set.Image(i))
		if err := p.Predict(x, 1, prob); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			want := o[k]
			if o[k] == 1 && prob[k] < 0.5 {
				want = augment.Ignore
			}
			if m[k] != want {
				t.Fatalf("%s pixel %d: mask %d, teacher %.3f: got %d, want %d", it.ID, k, o[k], prob[k], m[k], want)
			}
		}
	}
	if v7 == 0 {
		t.Fatal("no V7 train image in the fixture")
	}
}
