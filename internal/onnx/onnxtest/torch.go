package onnxtest

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/cxlseg/cxlseg/internal/testenv"
)

// torchScript loads safetensors weights with the project's one loader
// (internal/model/testdata/stload.py) into ref_saunet.SAUNet, strictly,
// runs it in eval mode on a raw float32 NCHW input and writes sigmoid
// probabilities as raw float32. Args: bench_dir stload_dir weights input n
// size output.
const torchScript = `
import sys
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from ref_saunet import SAUNet
import stload
weights, inp, n, size, outp = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
sd, meta = stload.load(weights)
torch.set_num_threads(1)
net = SAUNet(sd['e1.0.weight'].shape[0])
net.load_state_dict(sd, strict=True)
net.eval()
x = torch.from_numpy(np.fromfile(inp, dtype='<f4').copy()).reshape(n, 1, size, size)
with torch.no_grad():
    p = torch.sigmoid(net(x))
p.numpy().astype('<f4').tofile(outp)
`

// TorchSAUNet runs ref_saunet.SAUNet (from shared/bench) with the weights
// file on n images of size x size and returns the probabilities. root is
// the module root (for the loader), dir a scratch directory.
func TorchSAUNet(root, shared, weights, dir string, in []float32, n, size int) ([]float32, error) {
	inPath, outPath := filepath.Join(dir, "torch-in.f32"), filepath.Join(dir, "torch-out.f32")
	if err := os.WriteFile(inPath, f32bytes(in[:n*size*size]), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(testenv.PythonPath(), "-c", torchScript, filepath.Join(shared, "bench"),
		filepath.Join(root, "internal", "model", "testdata"), weights, inPath,
		fmt.Sprint(n), fmt.Sprint(size), outPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("torch reference: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(outPath)
	if err != nil {
		return nil, err
	}
	if len(raw) != 4*n*size*size {
		return nil, fmt.Errorf("torch reference wrote %d bytes, want %d", len(raw), 4*n*size*size)
	}
	out := make([]float32, n*size*size)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out, nil
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// MaxAbsDiff returns the largest |a[i]-b[i]| and its index.
func MaxAbsDiff(a, b []float32) (float64, int) {
	var d float64
	at := -1
	for i := range a {
		x := math.Abs(float64(a[i]) - float64(b[i]))
		if math.IsNaN(x) {
			return math.Inf(1), i
		}
		if x > d || at < 0 {
			d, at = x, i
		}
	}
	return d, at
}
