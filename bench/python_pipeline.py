#!/usr/bin/python3
"""Python reference for `cxlseg build`: the same per-image steps done the way a
user of the Python stack would write them, to measure cxlseg against.

    OpenCV read (grayscale) -> resize to 224 (INTER_LINEAR, the segmented
    output) and INTER_AREA + CLAHE(2.0, 8x8) (model input) -> PyTorch SA-UNet
    forward (ref_saunet.py's SAUNet, batch 8, eval mode, N threads) ->
    threshold 0.5 -> elliptical opening + closing (5x5) -> keep the 2 largest
    components -> AND -> imwrite mask and segmented JPEGs (quality 95).

Input: a MIMIC-CXR-JPG-shaped root; images are listed by the metadata CSV
(frontal views), like cxlseg, not by a directory walk. Weights: a
safetensors file with ref_saunet.py's state_dict names (cxlseg's default
model), read with numpy (no safetensors package needed); random weights
otherwise (same compute).

Prints one JSON line: images, seconds, img/s and the time split per stage.
Run with /usr/bin/python3 (Debian's python3-torch and python3-opencv).
"""
import argparse, csv, gzip, json, os, struct, sys, time

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
for cand in (os.path.join(HERE, "..", "..", "shared", "bench"), os.path.join(HERE, "..", "shared", "bench")):
    if os.path.exists(os.path.join(cand, "ref_saunet.py")):
        sys.path.insert(0, cand)
from ref_saunet import SAUNet  # noqa: E402


def load_safetensors(path):
    """Minimal safetensors reader (F32 tensors) returning a state_dict."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    sd = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}, want F32")
        a, b = info["data_offsets"]
        t = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).copy()
        sd[name] = torch.from_numpy(t)
    return sd


def list_images(root, views):
    """Frontal images from the metadata CSV, as relative paths."""
    for name in ("mimic-cxr-2.0.0-metadata.csv", "mimic-cxr-2.0.0-metadata.csv.gz"):
        p = os.path.join(root, name)
        if os.path.exists(p):
            break
    else:
        raise SystemExit(f"no metadata CSV under {root}")
    op = gzip.open if p.endswith(".gz") else open
    out = []
    with op(p, "rt", newline="") as f:
        for row in csv.DictReader(f):
            if row["ViewPosition"] not in views:
                continue
            s, t, d = row["subject_id"], row["study_id"], row["dicom_id"]
            rel = f"files/p{s[:2]}/p{s}/s{t}/{d}.jpg"
            if os.path.exists(os.path.join(root, rel)):
                out.append(rel)
    return out


def keep_largest(mask, k=2):
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = 1 + np.argsort(-areas)[:k]
    return np.where(np.isin(lab, keep), 255, 0).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mimic", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--weights", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--views", default="AP,PA")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    cv2.setNumThreads(1)  # the pipeline is sequential, as a plain script is
    net = SAUNet()
    if a.weights:
        net.load_state_dict(load_safetensors(a.weights), strict=False)
    net.eval()
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))

    t0 = time.perf_counter()
    rels = list_images(a.mimic, set(a.views.split(",")))
    if a.limit:
        rels = rels[: a.limit]
    st = dict.fromkeys(["list", "read", "resize_clahe", "infer", "post", "write"], 0.0)
    st["list"] = time.perf_counter() - t0

    def flush(batch):
        t = time.perf_counter()
        x = torch.from_numpy(np.stack([b[2] for b in batch])[:, None])
        with torch.no_grad():
            prob = torch.sigmoid(net(x))[:, 0].numpy()
        st["infer"] += time.perf_counter() - t
        for (rel, seg224, _), p in zip(batch, prob):
            t = time.perf_counter()
            m = (p > 0.5).astype(np.uint8) * 255
            m = cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)
            m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kernel)
            m = keep_largest(m)
            seg = cv2.bitwise_and(seg224, seg224, mask=m)
            t2 = time.perf_counter()
            st["post"] += t2 - t
            dst = os.path.join(a.out, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            cv2.imwrite(dst, cv2.cvtColor(seg, cv2.COLOR_GRAY2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
            cv2.imwrite(dst[:-4] + "-mask.jpg", m, [cv2.IMWRITE_JPEG_QUALITY, 95])
            st["write"] += time.perf_counter() - t2

    batch = []
    for rel in rels:
        t = time.perf_counter()
        img = cv2.imread(os.path.join(a.mimic, rel), cv2.IMREAD_GRAYSCALE)
        t2 = time.perf_counter()
        st["read"] += t2 - t
        if img is None:
            continue
        seg224 = cv2.resize(img, (224, 224), interpolation=cv2.INTER_LINEAR)
        x = clahe.apply(cv2.resize(img, (224, 224), interpolation=cv2.INTER_AREA)).astype(np.float32) / 255.0
        st["resize_clahe"] += time.perf_counter() - t2
        batch.append((rel, seg224, x))
        if len(batch) == a.batch:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    el = time.perf_counter() - t0
    print(json.dumps({"program": "python_pipeline", "torch": torch.__version__, "opencv": cv2.__version__,
                      "threads": a.threads, "batch": a.batch, "images": len(rels), "seconds": round(el, 2),
                      "img_per_s": round(len(rels) / el, 2),
                      "ms_per_img": {k: round(1000 * v / max(1, len(rels)), 2) for k, v in st.items()}}))


if __name__ == "__main__":
    main()
