#!/usr/bin/env bash
# End-to-end benchmark of `cxlseg build` against the Python reference
# pipeline (bench/python_pipeline.py), alternating the two so both see the
# same machine load. Prints one line per run and the ratio of medians.
#
#   bench/build_bench.sh [phantoms=200] [rounds=3] [backend=onnxruntime]
#
# Inputs: `cxlseg sample --phantoms N` (2544x3056 quality-95 phantoms plus
# the 12 demo images), written once under $BENCH_DIR (default
# /tmp/cxlseg-bench). Both programs use 2 threads for inference and read
# the same frontal images listed by the metadata CSV. Peak RSS comes from
# /usr/bin/time -v. ONNX Runtime: scripts/fetch-onnxruntime.sh.
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
: >"$W/results.txt"
for r in $(seq "$ROUNDS"); do
  rm -rf "$W/py-out"
  /usr/bin/time -v /usr/bin/python3 bench/python_pipeline.py --mimic "$W/mimic" --out "$W/py-out" \
    --weights internal/weights/default.safetensors --threads 2 >"$W/py-$r.json" 2>"$W/py-$r.time"
  py=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['img_per_s'])" "$W/py-$r.json")
  echo "round $r python: $py img/s, peak RSS $(field 'Maximum resident' "$W/py-$r.time") kB, CPU $(field 'Percent of CPU' "$W/py-$r.time")" | tee -a "$W/results.txt"
  rm -rf "$W/go-out"
  /usr/bin/time -v "$W/cxlseg" build --mimic "$W/mimic" --out "$W/go-out" --backend "$BACKEND" --threads 2 --quiet \
    >"$W/go-$r.log" 2>"$W/go-$r.time"
  go=$(grep -o 'throughput: [0-9.]*' "$W/go-$r.log" | awk '{print $2}')
  echo "round $r cxlseg: $go img/s, peak RSS $(field 'Maximum resident' "$W/go-$r.time") kB, CPU $(field 'Percent of CPU' "$W/go-$r.time")" | tee -a "$W/results.txt"
done
/usr/bin/python3 - "$W/results.txt" <<'PY'
import re, statistics, sys
py, go = [], []
for line in open(sys.argv[1]):
    m = re.match(r"round \d+ (\w+): ([0-9.]+) img/s", line)
    if m:
        (py if m.group(1) == "python" else go).append(float(m.group(2)))
mp, mg = statistics.median(py), statistics.median(go)
print(f"median python {mp:.2f} img/s, median cxlseg {mg:.2f} img/s, ratio {mg / mp:.2f}x")
PY
echo "per-stage split of the last cxlseg run:"
sed -n '/worker time per image/,$p' "$W/go-$ROUNDS.log"
