#!/usr/bin/python3
"""Forward parity helper for the Go engine: loads cxlseg safetensors weights
into ref_saunet.py's SAUNet (eval mode), runs it on a raw float32 input and
writes the probabilities as raw float32.

usage: parity.py BENCH_DIR WEIGHTS INPUT OUTPUT N SIZE"""
import json, struct, sys

import numpy as np
import torch

bench, weights, inp, outp, n, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
sys.path.insert(0, bench)
import ref_saunet  # noqa: E402

with open(weights, "rb") as f:
    data = f.read()
hlen = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + hlen])
meta = header.pop("__metadata__", {})
body = data[8 + hlen:]
state = {}
for name, e in header.items():
    assert e["dtype"] == "F32", (name, e["dtype"])
    a, b = e["data_offsets"]
    state[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").reshape(e["shape"]).copy())
net = ref_saunet.SAUNet(int(meta["base_channels"]))
net.load_state_dict(state, strict=True)
net.eval()
x = torch.from_numpy(np.fromfile(inp, dtype="<f4").reshape(n, 1, size, size))
with torch.no_grad():
    p = torch.sigmoid(net(x))
p.numpy().astype("<f4").tofile(outp)
