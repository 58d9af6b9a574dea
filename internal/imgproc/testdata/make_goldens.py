#!/usr/bin/python3
"""Make the OpenCV golden files of package imgproc.

Run once from this directory with Debian's OpenCV:

    /usr/bin/python3 make_goldens.py

It writes golden/*.png (inputs and cv2 outputs, lossless) and
golden/cases.json (what each case does), which the Go tests replay.
Inputs: seeded synthetic images and a crop of a CC BY 3.0 demo X-ray
(see golden/ATTRIBUTION.txt). The script is deterministic.
"""
import json
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "golden")
DEMO = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "demo", "2168a917.jpg")

cases = []


def save(name, img):
    path = os.path.join(OUT, name + ".png")
    if not cv2.imwrite(path, img):
        sys.exit("cannot write " + path)
    return name + ".png"


def inputs():
    rng = np.random.default_rng(20240601)
    ims = {}
    demo = cv2.imread(DEMO, cv2.IMREAD_GRAYSCALE)
    if demo is None:
        sys.exit("cannot read " + DEMO)
    # A crop of a real X-ray at reduced size: lungs, ribs, mediastinum.
    crop = demo[300:1740, 200:1800]
    ims["xray"] = cv2.resize(crop, (400, 360), interpolation=cv2.INTER_AREA)
    ims["noise"] = rng.integers(0, 256, size=(191, 257), dtype=np.uint8)
    ims["small"] = rng.integers(0, 256, size=(29, 37), dtype=np.uint8)
    # Low contrast: values crowd into a narrow band, so CLAHE clips hard.
    ims["flat"] = (100 + rng.integers(0, 12, size=(150, 203))).astype(np.uint8)
    yy, xx = np.mgrid[0:160, 0:240]
    ims["ramp"] = ((xx * 255 // 239 + yy // 4) % 256).astype(np.uint8)
    return ims


def resize_cases(ims):
    sizes = {
        "xray": [(224, 224), (200, 180), (100, 90), (133, 120), (100, 37), (13, 7),
                 (17, 5), (24, 24), (31, 40), (33, 33), (40, 41), (131, 97), (399, 359)],
        "noise": [(224, 224), (50, 60), (128, 95), (9, 200), (257, 64)],
        "small": [(100, 80), (74, 58), (224, 224), (37, 10), (12, 29)],
        "ramp": [(80, 80), (48, 32), (120, 80), (300, 200)],
    }
    for src, dsts in sizes.items():
        for w, h in dsts:
            for filt, flag in (("linear", cv2.INTER_LINEAR), ("area", cv2.INTER_AREA)):
                name = "resize_%s_%s_%dx%d" % (src, filt, w, h)
                out = cv2.resize(ims[src], (w, h), interpolation=flag)
                cases.append({"name": name, "op": "resize_" + filt, "input": src + ".png",
                              "output": save(name, out), "width": w, "height": h})


def mimic_cases(ims):
    # The production case: a MIMIC-size image (2544x3056) down to 224.
    # The big input is not committed: the test rebuilds it by upscaling
    # the xray crop with INTER_LINEAR, which it also checks bit for bit.
    big = cv2.resize(ims["xray"], (2544, 3056), interpolation=cv2.INTER_LINEAR)
    for filt, flag in (("linear", cv2.INTER_LINEAR), ("area", cv2.INTER_AREA)):
        name = "mimic_%s_224" % filt
        out = cv2.resize(big, (224, 224), interpolation=flag)
        cases.append({"name": name, "op": "mimic_" + filt, "input": "xray.png",
                      "output": save(name, out), "width": 224, "height": 224,
                      "big_width": 2544, "big_height": 3056,
                      "big_sum": int(big.astype(np.int64).sum())})


def clahe_cases(ims):
    x224 = cv2.resize(ims["xray"], (224, 224), interpolation=cv2.INTER_AREA)
    ims["xray224"] = x224
    runs = [("xray224", 2.0, 8, 8), ("xray224", 4.0, 4, 4), ("xray224", 0.0, 8, 8),
            ("xray", 2.0, 8, 8), ("noise", 2.0, 8, 8), ("flat", 2.0, 8, 8),
            ("flat", 1.0, 3, 5), ("ramp", 3.0, 7, 6), ("small", 2.0, 8, 8),
            ("xray224", 40.0, 8, 8), ("noise", 0.5, 2, 2),
            # One axis divides, the other does not: OpenCV pads both.
            ("ramp", 2.0, 8, 6), ("xray", 2.0, 8, 7)]
    for src, clip, tx, ty in runs:
        name = "clahe_%s_%g_%dx%d" % (src, clip, tx, ty)
        out = cv2.createCLAHE(clipLimit=clip, tileGridSize=(tx, ty)).apply(ims[src])
        cases.append({"name": name, "op": "clahe", "input": src + ".png", "output": save(name, out),
                      "clip": clip, "tiles_x": tx, "tiles_y": ty})


def masks():
    rng = np.random.default_rng(7)
    ms = {}
    # Smooth blobs with specks and holes, like a raw network mask.
    noise = rng.standard_normal((224, 224)).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), 9)
    blob = ((smooth > 0.02) * 255).astype(np.uint8)
    specks = rng.random((224, 224)) < 0.02
    blob[specks] = 255 - blob[specks]
    ms["blobs"] = blob
    fine = ((rng.random((96, 131)) < 0.45) * 255).astype(np.uint8)
    ms["fine"] = fine
    return ms


def morph_cases(ims):
    ms = masks()
    for name, m in ms.items():
        save("mask_" + name, m)
    for k in range(1, 10):
        el = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        cases.append({"name": "ellipse_%d" % k, "op": "ellipse", "k": k,
                      "rows": ["".join(str(int(v)) for v in row) for row in el]})
    ops = {"erode": None, "dilate": None, "open": cv2.MORPH_OPEN, "close": cv2.MORPH_CLOSE}
    for mname, m in ms.items():
        for k in (3, 4, 5, 7, 9):
            el = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
            for op, code in ops.items():
                for it in (1, 2):
                    if op == "erode":
                        out = cv2.erode(m, el, iterations=it)
                    elif op == "dilate":
                        out = cv2.dilate(m, el, iterations=it)
                    else:
                        out = cv2.morphologyEx(m, code, el, iterations=it)
                    name = "morph_%s_%s_k%d_i%d" % (mname, op, k, it)
                    cases.append({"name": name, "op": "morph_" + op, "input": "mask_" + mname + ".png",
                                  "output": save(name, out), "k": k, "iterations": it})


def jpeg_fixtures(ims):
    """JPEG files of several kinds for the decoder tests, with the gray
    image cv2.imread(IMREAD_GRAYSCALE) makes of each (the reference)."""
    from PIL import Image

    out = os.path.join(HERE, "jpeg")
    os.makedirs(out, exist_ok=True)
    gray = cv2.resize(ims["xray"], (160, 120), interpolation=cv2.INTER_AREA)
    g = gray.astype(np.int32)
    rgb = np.stack([g, np.clip(g * 9 // 10 + 20, 0, 255), 255 - g], axis=2).astype(np.uint8)
    kinds = [
        ("gray.jpg", Image.fromarray(gray, "L"), {}),
        ("gray_progressive.jpg", Image.fromarray(gray, "L"), {"progressive": True}),
        ("ycbcr420.jpg", Image.fromarray(rgb, "RGB"), {"subsampling": 2}),
        ("ycbcr444_progressive.jpg", Image.fromarray(rgb, "RGB"), {"subsampling": 0, "progressive": True}),
        ("cmyk.jpg", Image.fromarray(rgb, "RGB").convert("CMYK"), {}),
    ]
    for name, im, opts in kinds:
        path = os.path.join(out, name)
        im.save(path, "JPEG", quality=95, **opts)
        ref = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        cv2.imwrite(os.path.join(out, name.replace(".jpg", "_ref.png")), ref)


def clean_reference(prob, k, keep=2):
    """The CXLSeg clean-up done the usual OpenCV way (threshold, opening
    then closing with an ellipse, keep the largest 8-connected components,
    fill holes by flooding the background from outside)."""
    el = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    m = (prob > 0.5).astype(np.uint8) * 255
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, el)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, el)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n - 1 > keep:
        order = 1 + np.argsort(-stats[1:, cv2.CC_STAT_AREA], kind="stable")[:keep]
        m = np.where(np.isin(labels, order), 255, 0).astype(np.uint8)
    pad = cv2.copyMakeBorder(m, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    ff = np.zeros((pad.shape[0] + 2, pad.shape[1] + 2), np.uint8)
    cv2.floodFill(pad, ff, (0, 0), 255, flags=4)
    return m | cv2.bitwise_not(pad[1:-1, 1:-1])


def clean_cases():
    # A probability map stored as 8-bit (p = v/255): smooth blobs with
    # holes and specks; cleaned with the default parameters.
    rng = np.random.default_rng(11)
    noise = cv2.GaussianBlur(rng.standard_normal((224, 224)).astype(np.float32), (0, 0), 6)
    v = np.clip(128 + noise * 900, 0, 255).astype(np.uint8)
    specks = rng.random((224, 224)) < 0.01
    v[specks] = 255 - v[specks]
    save("prob_blobs", v)
    for k in (3, 5, 7):
        name = "clean_blobs_k%d" % k
        out = clean_reference(v.astype(np.float32) / 255, k)
        cases.append({"name": name, "op": "clean", "input": "prob_blobs.png", "output": save(name, out), "k": k})


def decode_cases():
    """MD5 of cv2.imread(..., IMREAD_GRAYSCALE) for each demo X-ray: the
    libjpeg-turbo path must decode them to the same bytes."""
    import glob
    import hashlib

    for path in sorted(glob.glob(os.path.join(os.path.dirname(DEMO), "*.jpg"))):
        g = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        md5 = lambda a: hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()
        # The two 224 images of the product, end to end: the segmented
        # image before masking (LINEAR) and the model input (AREA, CLAHE).
        lin = cv2.resize(g, (224, 224), interpolation=cv2.INTER_LINEAR)
        eq = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(
            cv2.resize(g, (224, 224), interpolation=cv2.INTER_AREA))
        cases.append({"name": "decode_" + os.path.basename(path), "op": "decode_md5",
                      "input": "demo/" + os.path.basename(path), "width": g.shape[1], "height": g.shape[0],
                      "md5": md5(g), "linear224_md5": md5(lin), "area224_clahe_md5": md5(eq)})


def main():
    os.makedirs(OUT, exist_ok=True)
    ims = inputs()
    for name, im in ims.items():
        save(name, im)
    resize_cases(ims)
    mimic_cases(ims)
    clahe_cases(ims)
    save("xray224", ims["xray224"])
    morph_cases(ims)
    jpeg_fixtures(ims)
    clean_cases()
    decode_cases()
    meta = {"opencv": cv2.__version__, "numpy": np.__version__, "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print("wrote %d cases with OpenCV %s" % (len(cases), cv2.__version__))


if __name__ == "__main__":
    main()
