#!/usr/bin/env bash
# Benchmarks cxlseg's non-network image path (internal/imgproc) against
# Python + OpenCV doing the same steps (bench/opencv_pipeline.py) on the same
# 2544x3056 quality-95 JPEG, alternating the two programs ROUNDS times, and
# prints the median ms per image of each.
#
#   bench/imgproc_vs_opencv.sh            # ROUNDS=5 ITER=20 by default
#
# Needs Go, /usr/bin/python3 with python3-opencv, and ../shared/data/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
ITER=${ITER:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/mimic2544x3056.jpg
/usr/bin/python3 - "$img" <<'PY'
import sys, cv2
src = cv2.imread("../shared/data/demo/2168a917.jpg", cv2.IMREAD_GRAYSCALE)
big = cv2.resize(src, (2544, 3056), interpolation=cv2.INTER_LINEAR)
cv2.imwrite(sys.argv[1], big, [cv2.IMWRITE_JPEG_QUALITY, 95])
PY
go test -c -o "$tmp/imgproc.test" ./internal/imgproc
log=$tmp/log.txt
for r in $(seq "$ROUNDS"); do
  echo "== round $r" >&2
  CXLSEG_BENCH_JPEG=$img "$tmp/imgproc.test" -test.run '^$' \
    -test.bench 'Pipeline|Decode|Resize|Stages224' -test.benchtime "${ITER}x" | grep '^Benchmark' | tee -a "$log"
  /usr/bin/python3 bench/opencv_pipeline.py "$img" "$ITER" | sed 's/^opencv /opencv-default /' | tee -a "$log"
  OPENCV_THREADS=1 /usr/bin/python3 bench/opencv_pipeline.py "$img" "$ITER" | sed 's/^opencv /opencv-1thread /' | tee -a "$log"
done
echo
echo "median over $ROUNDS alternating rounds, ms per image: Go's mean wall time, (median) wall time of one image, (cpu) CPU time all threads; opencv stages are medians, total-cpu is CPU time ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
/usr/bin/python3 - "$log" <<'PY'
import sys, re, statistics, collections
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if f[0].startswith("Benchmark"):
        name = re.sub(r"-\d+$", "", f[0][len("Benchmark"):])
        i = f.index("ns/op")
        allocs = f[f.index("allocs/op") - 1] if "allocs/op" in f else "?"
        v["go " + name].append((float(f[i - 1]) / 1e6, allocs))
        if "cpu-ms/op" in f:
            v["go " + name + " (cpu)"].append((float(f[f.index("cpu-ms/op") - 1]), allocs))
        if "median-ms/op" in f:
            v["go " + name + " (median)"].append((float(f[f.index("median-ms/op") - 1]), allocs))
    elif f[0].startswith("opencv"):
        v[f[0] + " " + f[1]].append((float(f[2]), "-"))
for k, xs in v.items():
    print("%-40s %9.3f   allocs/op %s" % (k, statistics.median(x for x, _ in xs), xs[-1][1]))
PY
