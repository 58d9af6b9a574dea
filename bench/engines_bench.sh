#!/usr/bin/env bash
# `cxlseg build` with each inference engine against the Python reference
# pipeline (bench/python_pipeline.py: OpenCV + PyTorch SA-UNet, 2 threads),
# alternating all of them within each round so they share the machine's
# load, on two inputs:
#   phantoms  `cxlseg sample --phantoms N`: MIMIC-size 2544x3056 phantoms
#             (plus the 12 demo images);
#   demo-up   the 12 real CC BY demo X-rays (../shared/data/demo) upscaled
#             to 2544x3056 (cv2 INTER_LINEAR, quality 95), each 4 times
#             under new ids (48 images).
# For each (input, program) it prints img/s, CPU ms per image (user +
# system from /usr/bin/time, which does not depend on the CPU share a
# program got on a shared machine) and peak RSS, then the medians and the
# ratios to Python.
#
#   bench/engines_bench.sh [phantoms=100] [rounds=2]
#
# Needs /usr/bin/python3 with python3-torch and python3-opencv, and ONNX
# Runtime (scripts/fetch-onnxruntime.sh) for the onnxruntime rows.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
ROUNDS=${2:-2}
W=${BENCH_DIR:-/tmp/cxlseg-engines-bench}
mkdir -p "$W"
BIN=${CXLSEG_BIN:-$W/cxlseg}
[ -n "${CXLSEG_BIN:-}" ] || go build -o "$BIN" ./cmd/cxlseg
if [ ! -f "$W/phantoms/.phantoms-$N" ]; then
  rm -rf "$W/phantoms"
  "$BIN" sample --out "$W/phantoms" --phantoms "$N" >/dev/null
  touch "$W/phantoms/.phantoms-$N"
fi
if [ ! -f "$W/demo-up/.done" ]; then
  rm -rf "$W/demo-up"
  "$BIN" sample --out "$W/demo-up" >/dev/null
  /usr/bin/python3 bench/upscale_demo.py "$W/demo-up" 2544 3056 4
  touch "$W/demo-up/.done"
fi
programs=(python onnxruntime-fp32 onnxruntime-int8 native)
: >"$W/results.tsv"
for r in $(seq "$ROUNDS"); do
  for input in phantoms demo-up; do
    for p in "${programs[@]}"; do
      out="$W/out"
      rm -rf "$out"
      case $p in
      python)
        /usr/bin/time -f "%U %S %M" -o "$W/time" /usr/bin/python3 bench/python_pipeline.py --mimic "$W/$input" \
          --out "$out" --weights internal/weights/default.safetensors --threads 2 >"$W/log"
        n=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['images'])" "$W/log")
        ips=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['img_per_s'])" "$W/log") ;;
      *)
        case $p in
        native) flags=(--backend native) ;;
        onnxruntime-fp32) flags=(--backend onnxruntime --precision fp32) ;;
        onnxruntime-int8) flags=(--backend onnxruntime --precision int8) ;;
        esac
        /usr/bin/time -f "%U %S %M" -o "$W/time" "$BIN" build --mimic "$W/$input" --out "$out" "${flags[@]}" \
          --quiet >"$W/log" 2>&1 || { cat "$W/log"; exit 1; }
        n=$(grep -o '[0-9]* segmented' "$W/log" | awk '{print $1}')
        ips=$(grep -o 'throughput: [0-9.]*' "$W/log" | awk '{print $2}') ;;
      esac
      read -r u s rss <"$W/time"
      cpu=$(awk -v u="$u" -v s="$s" -v n="$n" 'BEGIN {printf "%.0f", (u + s) * 1000 / n}')
      printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$r" "$input" "$p" "$ips" "$cpu" "$((rss / 1024))" | tee -a "$W/results.tsv"
    done
  done
done
/usr/bin/python3 - "$W/results.tsv" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print()
print("| input | program | img/s | x Python | CPU ms/img | x less CPU | peak RSS MB |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for inp in dict.fromkeys(r[1] for r in rows):
    med = {}
    for p in dict.fromkeys(r[2] for r in rows):
        sel = [r for r in rows if r[1] == inp and r[2] == p]
        med[p] = [statistics.median(float(r[i]) for r in sel) for i in (3, 4, 5)]
    for p, (ips, cpu, rss) in med.items():
        py = med["python"]
        print(f"| {inp} | {p} | {ips:.1f} | {ips / py[0]:.2f}x | {cpu:.0f} | {py[1] / cpu:.2f}x | {rss:.0f} |")
PY
