#!/usr/bin/python3
"""Forward parity helper for the Go engine: loads cxlseg safetensors weights
into ref_saunet.py's SAUNet (eval mode), runs it on a raw float32 input and
writes the probabilities as raw float32.

usage: parity.py BENCH_DIR WEIGHTS INPUT OUTPUT N SIZE"""
import sys

import numpy as np
import torch

bench, weights, inp, outp, n, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
sys.path.insert(0, bench)
import ref_saunet  # noqa: E402
import stload  # noqa: E402

state, meta = stload.load(weights)
net = ref_saunet.SAUNet(int(meta["base_channels"]))
net.load_state_dict(state, strict=True)
net.eval()
x = torch.from_numpy(np.fromfile(inp, dtype="<f4").reshape(n, 1, size, size))
with torch.no_grad():
    p = torch.sigmoid(net(x))
p.numpy().astype("<f4").tofile(outp)
