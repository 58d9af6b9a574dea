#!/usr/bin/python3
"""Training-step parity helper: loads cxlseg safetensors weights into
ref_saunet.py's SAUNet in training mode with DropBlock disabled, computes
ref_saunet.py's loss on a raw float32 batch, back-propagates, and writes
loss, gradients (state_dict order, parameters only) and the updated BN
running statistics as raw float32.

usage: train_parity.py BENCH_DIR WEIGHTS INPUT MASK OUTPUT N SIZE"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

bench, weights, inp, msk, outp = sys.argv[1:6]
n, size = int(sys.argv[6]), int(sys.argv[7])
sys.path.insert(0, bench)
import ref_saunet  # noqa: E402
import stload  # noqa: E402

state, meta = stload.load(weights)
torch.set_num_threads(1)
net = ref_saunet.SAUNet(int(meta["base_channels"]))
net.load_state_dict(state, strict=True)
for m in net.modules():
    if isinstance(m, ref_saunet.DropBlock):
        m.keep = 1.0
net.train()
x = torch.from_numpy(np.fromfile(inp, dtype="<f4").reshape(n, 1, size, size))
y = torch.from_numpy(np.fromfile(msk, dtype="<f4").reshape(n, 1, size, size))
p = net(x)
pr = torch.sigmoid(p)
inter = (pr * y).sum()
dice = 1 - (2 * inter + 1) / (pr.sum() + y.sum() + 1)
loss = F.binary_cross_entropy_with_logits(p, y) + dice
loss.backward()
out = [loss.detach().reshape(1)]
for name, prm in net.named_parameters():
    out.append(prm.grad.reshape(-1))
for name, buf in net.named_buffers():
    if "running" in name:
        out.append(buf.reshape(-1))
torch.cat(out).double().numpy().astype("<f4").tofile(outp)
