#!/usr/bin/python3
"""Upscales the demo images of a `cxlseg sample` tree to MIMIC size, in place,
and adds copies under new ids, so the benchmark sees real X-ray content at
the size MIMIC's images have:

    bench/upscale_demo.py ROOT WIDTH HEIGHT COPIES

Each frontal image listed in ROOT's metadata is resized with OpenCV
INTER_LINEAR and written back as quality-95 JPEG; COPIES-1 more rows per
image (ids with the last 8 hex digits changed) point at copies of it, with the same
study's report. Rows and Columns are updated.
"""
import csv, gzip, io, os, shutil, sys

import cv2

root, width, height, copies = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def read_gz(name):
    with gzip.open(os.path.join(root, name), "rt", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_gz(name, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with gzip.open(os.path.join(root, name), "wt", newline="") as f:
        f.write(buf.getvalue())


def path_of(subject, study, dicom):
    return os.path.join(root, "files", "p" + subject[:2], "p" + subject, "s" + study, dicom + ".jpg")


mh, meta = read_gz("mimic-cxr-2.0.0-metadata.csv.gz")
sh, splits = read_gz("mimic-cxr-2.0.0-split.csv.gz")
col = {c: i for i, c in enumerate(mh)}
scol = {c: i for i, c in enumerate(sh)}
split_of = {r[scol["dicom_id"]]: r for r in splits}
new_meta, new_splits = [], []
existing = {r[col["dicom_id"]] for r in meta}
for r in meta:
    d, subj, study = r[col["dicom_id"]], r[col["subject_id"]], r[col["study_id"]]
    src = path_of(subj, study, d)
    if r[col["ViewPosition"]] not in ("AP", "PA") or not os.path.exists(src):
        new_meta.append(r)
        if d in split_of:
            new_splits.append(split_of[d])
        continue
    img = cv2.imread(src, cv2.IMREAD_GRAYSCALE)
    img = cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)
    cv2.imwrite(src, img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    r[col["Rows"]], r[col["Columns"]] = str(height), str(width)
    for k in range(copies):
        rr = list(r)
        if k:
            rr[col["dicom_id"]] = d[:-8] + "%08x" % ((int(d[-8:], 16) + k * 0x9E3779B1) & 0xFFFFFFFF)
            shutil.copyfile(src, path_of(subj, study, rr[col["dicom_id"]]))
        new_meta.append(rr)
        if d in split_of:
            s = list(split_of[d])
            s[scol["dicom_id"]] = rr[col["dicom_id"]]
            new_splits.append(s)
write_gz("mimic-cxr-2.0.0-metadata.csv.gz", mh, new_meta)
listing = os.path.join(root, "IMAGE_FILENAMES")
if os.path.exists(listing):  # the tree's file list, when it has one
    with open(listing, "a") as f:
        for rr in new_meta:
            p = os.path.relpath(path_of(rr[col["subject_id"]], rr[col["study_id"]], rr[col["dicom_id"]]), root)
            if rr[col["dicom_id"]] not in existing and os.path.exists(os.path.join(root, p)):
                f.write(p.replace(os.sep, "/") + "\n")
write_gz("mimic-cxr-2.0.0-split.csv.gz", sh, new_splits)
print(f"{root}: {len(new_meta)} metadata rows")
