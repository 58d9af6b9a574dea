#!/usr/bin/python3
"""Python + OpenCV reference for cxlseg's non-network image path.

Does per image what internal/imgproc's BenchmarkPipeline does: decode a
2544x3056 quality-95 gray JPEG, resize to 224x224 with INTER_LINEAR (the
segmented image) and INTER_AREA (model input), CLAHE (2.0, 8x8), clean a
fixed probability map (threshold 0.5, ellipse 5 opening then closing, keep
the 2 largest 8-connected components, fill holes), AND, and encode the mask
(1-component JPEG q95) and the segmented image (3-component 4:2:0 JPEG q95).

Usage: /usr/bin/python3 bench/opencv_pipeline.py JPEG [ITERATIONS]
Prints one line per stage and for the whole path: the median wall ms per
image; and the process CPU time per image (all threads) as total-cpu.
OPENCV_THREADS=n sets cv2.setNumThreads (default: OpenCV's own choice).
bench/run_pipeline_bench.sh runs it alternately with the Go benchmark.
"""
import os
import sys
import time

import cv2
import numpy as np


def bench_prob():
    """The two-lung probability map of the Go benchmark (benchProb)."""
    y, x = np.mgrid[0:224, 0:224]
    dl, dr, dy = (x - 65) / np.float32(40), (x - 160) / np.float32(36), (y - 112) / np.float32(75)
    p = np.where((dl * dl + dy * dy < 1) | (dr * dr + dy * dy < 1), 0.95, 0.05).astype(np.float32)
    flip = (x * 7 + y * 13) % 97 == 0
    p[flip] = 1 - p[flip]
    return p


def clean(prob, kernel):
    m = (prob > 0.5).astype(np.uint8) * 255
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n > 3:
        keep = 1 + np.argsort(-stats[1:, cv2.CC_STAT_AREA], kind="stable")[:2]
        m = np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)
    # Fill holes: flood the background from a 1-pixel border.
    pad = cv2.copyMakeBorder(m, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    ff = np.zeros((pad.shape[0] + 2, pad.shape[1] + 2), np.uint8)
    cv2.floodFill(pad, ff, (0, 0), 255, flags=4)
    return m | cv2.bitwise_not(pad[1:-1, 1:-1])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = np.frombuffer(open(sys.argv[1], "rb").read(), np.uint8)
    iters = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    if os.environ.get("OPENCV_THREADS"):
        cv2.setNumThreads(int(os.environ["OPENCV_THREADS"]))
    prob = bench_prob()
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    q95 = [cv2.IMWRITE_JPEG_QUALITY, 95]
    names = ["decode", "resize-linear", "resize-area", "clahe", "clean", "and", "encode-mask", "encode-segmented", "total"]
    times = {n: [] for n in names}
    cpu0 = None
    for it in range(iters + 2):
        if it == 2:
            cpu0 = time.process_time()  # after the warm-up
        t = [time.perf_counter()]
        img = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        t.append(time.perf_counter())
        lin = cv2.resize(img, (224, 224), interpolation=cv2.INTER_LINEAR)
        t.append(time.perf_counter())
        area = cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA)
        t.append(time.perf_counter())
        eq = clahe.apply(area)
        t.append(time.perf_counter())
        mask = clean(prob, kernel)
        t.append(time.perf_counter())
        seg = cv2.bitwise_and(lin, mask)
        t.append(time.perf_counter())
        ok1, enc_mask = cv2.imencode(".jpg", mask, q95)
        t.append(time.perf_counter())
        ok2, enc_seg = cv2.imencode(".jpg", cv2.cvtColor(seg, cv2.COLOR_GRAY2BGR), q95)
        t.append(time.perf_counter())
        assert ok1 and ok2 and eq.shape == (224, 224)
        for i, n in enumerate(names[:-1]):
            times[n].append(t[i + 1] - t[i])
        times["total"].append(t[-1] - t[0])
    cpu = (time.process_time() - cpu0) / iters
    for n in names:
        v = sorted(times[n][2:])  # drop warm-up
        print("opencv %-17s %8.3f ms" % (n, 1000 * v[len(v) // 2]))
    # CPU time (all threads) per image: fairer than wall time on a busy
    # machine.
    print("opencv %-17s %8.3f ms" % ("total-cpu", 1000 * cpu))


if __name__ == "__main__":
    main()
