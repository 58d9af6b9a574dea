#!/usr/bin/python3
"""Draws docs/img/mask-edges-224-vs-native.jpg: the same lung edge of a demo
X-ray with the 224x224 mask scaled up (left, red) and the mask of
`cxlseg build --size native` (right, green).

    cxlseg sample --out /tmp/s/mimic
    cxlseg build --mimic /tmp/s/mimic --out /tmp/s/224
    cxlseg build --mimic /tmp/s/mimic --out /tmp/s/native --size native --mask-format png
    docs/img/make_mask_edges.py /tmp/s docs/img/mask-edges-224-vs-native.jpg
"""
import glob, os, sys

import cv2
import numpy as np

base, out = sys.argv[1], sys.argv[2]
native = sorted(glob.glob(os.path.join(base, "native", "files", "*", "*", "*", "*-mask.png")))[0]
rel = os.path.relpath(native, os.path.join(base, "native"))
orig = cv2.imread(os.path.join(base, "mimic", rel.replace("-mask.png", ".jpg")), cv2.IMREAD_GRAYSCALE)
mask_n = cv2.imread(native, cv2.IMREAD_GRAYSCALE)
mask_224 = cv2.imread(os.path.join(base, "224", rel.replace(".png", ".jpg")), cv2.IMREAD_GRAYSCALE)
h, w = mask_n.shape
scaled = cv2.resize(mask_224, (w, h), interpolation=cv2.INTER_NEAREST)
y0 = h // 3  # a row through the upper lungs, cropped around its first edge
edges = np.where(np.diff((mask_n[y0] > 127).astype(int)) != 0)[0]
x0 = edges[0] if len(edges) else w // 3


def panel(mask, colour):
    crop = (slice(max(0, y0 - 150), y0 + 150), slice(max(0, x0 - 150), x0 + 150))
    img = cv2.cvtColor(orig[crop], cv2.COLOR_GRAY2BGR)
    edge = cv2.morphologyEx((mask[crop] > 127).astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
    img[edge] = colour
    return img


left, right = panel(scaled, (0, 0, 255)), panel(mask_n, (0, 255, 0))
gap = np.full((left.shape[0], 10, 3), 255, np.uint8)
cv2.imwrite(out, np.hstack([left, gap, right]), [cv2.IMWRITE_JPEG_QUALITY, 85])
print(out, rel)
