#!/usr/bin/env bash
# End-to-end benchmark of `cxlseg build` against the Python reference
# pipeline (bench/python_pipeline.py), alternating the two so both see the
# same machine load. Prints one line per run and the ratio of medians.
#
#   bench/build_bench.sh [phantoms=200] [rounds=3] [backend=onnxruntime]
#
# Inputs: `cxlseg sample --phantoms N` (2544x3056 quality-95 phantoms plus
# the 12 demo images), written once under $BENCH_DIR (default
# /tmp/cxlseg-bench). Both read the frontal images listed by the metadata
# CSV. Python uses 2 PyTorch threads; cxlseg its default (with ONNX Runtime
# on 2 cores: 1 inference thread, 2 decode workers; GO_THREADS=N overrides).
# Peak RSS comes from /usr/bin/time -v. ONNX Runtime:
# scripts/fetch-onnxruntime.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
ROUNDS=${2:-3}
BACKEND=${3:-onnxruntime}
W=${BENCH_DIR:-/tmp/cxlseg-bench}
mkdir -p "$W"
go build -o "$W/cxlseg" ./cmd/cxlseg
if [ ! -f "$W/mimic/.phantoms-$N" ]; then
  rm -rf "$W/mimic"
  "$W/cxlseg" sample --out "$W/mimic" --phantoms "$N"
  touch "$W/mimic/.phantoms-$N"
fi
field() { grep "$1" "$2" | sed 's/.*: //'; }
# CPU seconds per image (user + system): on a shared machine the wall-clock
# rate follows the CPU share a program gets; CPU time per image does not.
cpu_per_img() { awk -v n="$2" '/User time|System time/ {s += $NF} END {printf "%.4f", s / n}' "$1"; }
: >"$W/results.txt"
for r in $(seq "$ROUNDS"); do
  rm -rf "$W/py-out"
  /usr/bin/time -v /usr/bin/python3 bench/python_pipeline.py --mimic "$W/mimic" --out "$W/py-out" \
    --weights internal/weights/default.safetensors --threads 2 >"$W/py-$r.json" 2>"$W/py-$r.time"
  py=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['img_per_s'])" "$W/py-$r.json")
  pyn=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['images'])" "$W/py-$r.json")
  echo "round $r python: $py img/s, $(cpu_per_img "$W/py-$r.time" "$pyn") CPU-s/img, peak RSS $(field 'Maximum resident' "$W/py-$r.time") kB, CPU $(field 'Percent of CPU' "$W/py-$r.time")" | tee -a "$W/results.txt"
  rm -rf "$W/go-out"
  /usr/bin/time -v "$W/cxlseg" build --mimic "$W/mimic" --out "$W/go-out" --backend "$BACKEND" ${GO_THREADS:+--threads $GO_THREADS} --quiet \
    >"$W/go-$r.log" 2>"$W/go-$r.time"
  go=$(grep -o 'throughput: [0-9.]*' "$W/go-$r.log" | awk '{print $2}')
  gon=$(grep -o '[0-9]* segmented' "$W/go-$r.log" | awk '{print $1}')
  echo "round $r cxlseg: $go img/s, $(cpu_per_img "$W/go-$r.time" "$gon") CPU-s/img, peak RSS $(field 'Maximum resident' "$W/go-$r.time") kB, CPU $(field 'Percent of CPU' "$W/go-$r.time")" | tee -a "$W/results.txt"
done
/usr/bin/python3 - "$W/results.txt" <<'PY'
import re, statistics, sys
py, go, pyc, goc = [], [], [], []
for line in open(sys.argv[1]):
    m = re.match(r"round \d+ (\w+): ([0-9.]+) img/s, ([0-9.]+) CPU-s/img", line)
    if m:
        (py if m.group(1) == "python" else go).append(float(m.group(2)))
        (pyc if m.group(1) == "python" else goc).append(float(m.group(3)))
mp, mg = statistics.median(py), statistics.median(go)
cp, cg = statistics.median(pyc), statistics.median(goc)
print(f"median python {mp:.2f} img/s, median cxlseg {mg:.2f} img/s, ratio {mg / mp:.2f}x")
print(f"median CPU per image: python {1000 * cp:.1f} ms, cxlseg {1000 * cg:.1f} ms, ratio {cp / cg:.2f}x;"
      f" 2 idle cores would give at most {2 / cp:.1f} and {2 / cg:.1f} img/s")
PY
echo "per-stage split of the last cxlseg run:"
sed -n '/worker time per image/,$p' "$W/go-$ROUNDS.log"
