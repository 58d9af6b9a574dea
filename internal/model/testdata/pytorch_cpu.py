#!/usr/bin/python3
"""CPU time (not wall time) per batch-8 224x224 SA-UNet training step and
inference batch of ../shared/bench/ref_saunet.py under PyTorch, for
comparison with the native benchmarks' cpu-s/op metric: on a shared,
overloaded machine CPU time varies far less than wall time.

usage: THREADS=1 pytorch_cpu.py BENCH_DIR"""
import json, os, sys, time

sys.path.insert(0, sys.argv[1])
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import ref_saunet  # noqa: E402

torch.set_num_threads(int(os.environ.get("THREADS", "1")))
torch.manual_seed(0)
net = ref_saunet.SAUNet()
x = torch.rand(8, 1, 224, 224)
y = (torch.rand(8, 1, 224, 224) > 0.5).float()
net.train()
opt = torch.optim.Adam(net.parameters(), lr=5e-5)


def step():
    opt.zero_grad()
    p = net(x)
    pr = torch.sigmoid(p)
    inter = (pr * y).sum()
    dice = 1 - (2 * inter + 1) / (pr.sum() + y.sum() + 1)
    loss = F.binary_cross_entropy_with_logits(p, y) + dice
    loss.backward()
    opt.step()


def cpu(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        c = time.process_time()
        fn()
        ts.append(time.process_time() - c)
    ts.sort()
    return ts[len(ts) // 2]


out = {"train_cpu_s": round(cpu(step, 3), 3)}
net.eval()
with torch.no_grad():
    out["infer_cpu_s"] = round(cpu(lambda: net(x), 5), 3)
print(json.dumps(out))
