#!/usr/bin/env bash
# Alternates the native engine's benchmarks with ../shared/bench/ref_saunet.py
# (PyTorch) at 1 and 2 threads, ROUNDS times, so both see the same machine
# load; prints every measurement as a line of JSON. Summarise with
# compare_summary.py. Usage (from the module root):
#   internal/model/testdata/compare.sh [ROUNDS] > /tmp/compare.jsonl
set -euo pipefail
rounds=${1:-3}
root=$(cd "$(dirname "$0")/../../.." && pwd)
ref="$root/../shared/bench/ref_saunet.py"
bin=$(mktemp -d)/model.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$root" && go test -c -o "$bin" ./internal/model)
for r in $(seq "$rounds"); do
  for t in 1 2; do
    THREADS=$t /usr/bin/python3 "$ref" | sed "s/^{/{\"round\": $r, /"
    "$bin" -test.run '^$' -test.bench "(TrainStep|Infer)/saunet16_224_b8_t$t\$" -test.benchtime 3x |
      awk -v r="$r" -v t="$t" '/^Benchmark/ {
        what = ($1 ~ /TrainStep/) ? "train_step" : "infer";
        for (i = 1; i <= NF; i++) if ($(i+1) == "img/s") ips = $i;
        printf "{\"round\": %d, \"peer\": \"cxlseg-native\", \"what\": \"%s\", \"threads\": %d, \"img_per_s\": %s}\n", r, what, t, ips }'
  done
done
