#!/usr/bin/python3
"""Summarises compare.sh output: median img/s per (program, what, threads)
and the ratio native / PyTorch of the medians."""
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.startswith("{")]
med = {}
for key in {(r["peer"].split("-")[0], r["what"], r["threads"]) for r in rows}:
    v = [r["img_per_s"] for r in rows if (r["peer"].split("-")[0], r["what"], r["threads"]) == key]
    med[key] = (statistics.median(v), len(v))
print("| what | threads | PyTorch img/s (median) | native img/s (median) | ratio |")
print("| --- | --- | --- | --- | --- |")
for what in ("train_step", "infer"):
    for t in (1, 2):
        p, n = med.get(("pytorch", what, t), (float("nan"), 0))
        c, m = med.get(("cxlseg", what, t), (float("nan"), 0))
        print(f"| {what} | {t} | {p:.2f} (n={n}) | {c:.2f} (n={m}) | {c / p:.2f}x |")
