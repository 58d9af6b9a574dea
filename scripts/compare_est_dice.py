#!/usr/bin/python3
"""Compares the mask quality estimate of two `cxlseg eval --out` runs of the
same images (for example fp32 and int8):

    cxlseg eval --data ../shared/data/lungseg --split test --backend onnxruntime --precision fp32 --out A
    cxlseg eval --data ../shared/data/lungseg --split test --backend onnxruntime --precision int8 --out B
    scripts/compare_est_dice.py A/per_image.csv B/per_image.csv

Prints how far est_dice moves, its rank correlation between the runs and
with the true Dice (dice_orig_clean), and how often the low_quality flag
(est_dice < 0.93) agrees. Needs pandas (Debian's python3-pandas).
"""
import sys

import numpy as np
import pandas as pd

a, b = (pd.read_csv(p) for p in sys.argv[1:3])
m = a.merge(b, on="id", suffixes=("_a", "_b"))


def spearman(x, y):
    return np.corrcoef(x.rank(), y.rank())[0, 1]


d = (m.est_dice_a - m.est_dice_b).abs()
print(f"{len(m)} images; est_dice |change| mean {d.mean():.4f}, max {d.max():.4f}")
print(f"rank correlation of est_dice between the runs: {spearman(m.est_dice_a, m.est_dice_b):.4f}")
for s in ("a", "b"):
    print(f"run {s}: rank correlation with the true Dice {spearman(m['est_dice_' + s], m['dice_orig_clean_' + s]):.3f}, "
          f"low_quality {int((m['est_dice_' + s] < 0.93).sum())}")
print(f"low_quality agrees on {int(((m.est_dice_a < 0.93) == (m.est_dice_b < 0.93)).sum())} of {len(m)}")
