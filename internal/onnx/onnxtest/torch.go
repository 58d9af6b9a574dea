package onnxtest

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"

	"cxlseg/internal/testenv"
)

// torchScript loads safetensors weights (parsed with json+struct, since the
// safetensors Python package may be absent) into ref_saunet.SAUNet, runs it
// in eval mode on a raw float32 NCHW input and writes sigmoid probabilities
// as raw float32. Args: bench_dir weights input n size output.
const torchScript = `
import json, struct, sys
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
from ref_saunet import SAUNet
weights, inp, n, size, outp = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
data = open(weights, 'rb').read()
hl, = struct.unpack('<Q', data[:8])
hdr = json.loads(data[8:8+hl]); body = data[8+hl:]
meta = hdr.pop('__metadata__', {})
sd = {}
for k, e in hdr.items():
    assert e['dtype'] == 'F32'
    b, en = e['data_offsets']
    sd[k] = torch.from_numpy(np.frombuffer(body[b:en], dtype='<f4').copy()).reshape(e['shape'])
base = sd['e1.0.weight'].shape[0]
torch.set_num_threads(1)
net = SAUNet(base)
res = net.load_state_dict(sd, strict=False)
bad = [k for k in res.missing_keys if not k.endswith('num_batches_tracked')] + list(res.unexpected_keys)
assert not bad, bad
net.eval()
x = torch.from_numpy(np.fromfile(inp, dtype='<f4').copy()).reshape(n, 1, size, size)
with torch.no_grad():
    p = torch.sigmoid(net(x))
p.numpy().astype('<f4').tofile(outp)
`

// TorchSAUNet runs ref_saunet.SAUNet (from shared/bench) with the weights
// file on n images of size x size and returns the probabilities. dir is a
// scratch directory.
func TorchSAUNet(shared, weights, dir string, in []float32, n, size int) ([]float32, error) {
	inPath, outPath := filepath.Join(dir, "torch-in.f32"), filepath.Join(dir, "torch-out.f32")
	if err := os.WriteFile(inPath, f32bytes(in[:n*size*size]), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(testenv.PythonPath(), "-c", torchScript, filepath.Join(shared, "bench"), weights, inPath,
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
