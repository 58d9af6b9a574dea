#!/usr/bin/env bash
# What each output size and mask format costs: `cxlseg build` on MIMIC-size
# phantoms (2544x3056, quality 95) at 224 (CXLSeg), 512, 1024 and native,
# with JPEG, PNG and RLE masks, the configurations alternating within each
# round so they share the machine's load. Prints img/s, CPU ms per image
# (user + system, from /usr/bin/time) and output bytes per image (segmented
# JPEGs; masks: mask files + CXLSeg-mask.csv), and the median of each over
# the rounds.
#
#   bench/size_bench.sh [phantoms=40] [rounds=2] [backend=auto]
#
# CXLSEG_BIN=path uses an existing binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
ROUNDS=${2:-2}
BACKEND=${3:-auto}
W=${BENCH_DIR:-/tmp/cxlseg-size-bench}
mkdir -p "$W"
BIN=${CXLSEG_BIN:-$W/cxlseg}
[ -n "${CXLSEG_BIN:-}" ] || go build -o "$BIN" ./cmd/cxlseg
if [ ! -f "$W/mimic/.phantoms-$N" ]; then
  rm -rf "$W/mimic"
  "$BIN" sample --out "$W/mimic" --phantoms "$N" >/dev/null
  touch "$W/mimic/.phantoms-$N"
fi
configs=("224 jpeg" "512 jpeg" "512 png" "512 rle" "1024 jpeg" "native jpeg" "native png" "native rle")
: >"$W/results.tsv"
for r in $(seq "$ROUNDS"); do
  for c in "${configs[@]}"; do
    set -- $c
    out="$W/out"
    rm -rf "$out"
    /usr/bin/time -f "%U %S" -o "$W/time" "$BIN" build --mimic "$W/mimic" --out "$out" --backend "$BACKEND" \
      --size "$1" --mask-format "$2" --quiet >"$W/log" 2>&1 || { cat "$W/log"; exit 1; }
    n=$(grep -o '[0-9]* segmented' "$W/log" | awk '{print $1}')
    ips=$(grep -o 'throughput: [0-9.]*' "$W/log" | awk '{print $2}')
    cpu=$(awk -v n="$n" '{printf "%.0f", ($1 + $2) * 1000 / n}' "$W/time")
    seg=$(find "$out/files" -name '*.jpg' ! -name '*-mask.jpg' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    msk=$(find "$out/files" -name '*-mask.*' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    msk=$((msk + $(stat -c %s "$out/CXLSeg-mask.csv")))
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$r" "$1" "$2" "$ips" "$cpu" "$((seg / n))" "$((msk / n))" | tee -a "$W/results.tsv"
  done
done
echo
echo "| size | masks | img/s | CPU ms/img | segmented bytes/img | mask bytes/img |"
echo "| --- | --- | --- | --- | --- | --- |"
for c in "${configs[@]}"; do
  set -- $c
  awk -F'\t' -v s="$1" -v f="$2" '$2 == s && $3 == f {ips[++n] = $4; cpu[n] = $5; b[n] = $6; m[n] = $7}
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { printf "| %s | %s | %.1f | %.0f | %.0f | %.0f |\n", s, f, med(ips, n), med(cpu, n), med(b, n), med(m, n) }' "$W/results.tsv"
done
