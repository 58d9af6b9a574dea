"""Reads a cxlseg safetensors file (F32 tensors) into a PyTorch state_dict
for the parity helpers, with plain json and struct: Debian has no
safetensors Python package."""
import json
import struct

import numpy as np
import torch


def load(path):
    """Returns (state_dict, metadata) of the safetensors file at path."""
    with open(path, "rb") as f:
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
    return state, meta
