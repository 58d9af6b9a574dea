#!/usr/bin/env bash
# Fetch ONNX Runtime's shared library for cxlseg's onnxruntime backend.
#
# The library ships inside the npm package onnxruntime-node (a registry
# package, so this works wherever the npm registry is reachable). We take
# bin/napi-v6/linux/x64/libonnxruntime.so.1 from it and put it where cxlseg
# looks by default: third_party/onnxruntime/libonnxruntime.so.1 under the
# module root (gitignored). Other sources of the same library: the
# onnxruntime Python wheel (onnxruntime/capi/libonnxruntime.so.*) and the
# official release archives (onnxruntime-linux-x64-VERSION.tgz, lib/).
#
# Usage: scripts/fetch-onnxruntime.sh [DEST_DIR]   (ORT_VERSION overrides 1.30.0)
set -euo pipefail
version=${ORT_VERSION:-1.30.0}
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/third_party/onnxruntime}
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) arch=x64 ;;
  Linux/aarch64) arch=arm64 ;;
  *) echo "fetch-onnxruntime: no prebuilt library for $(uname -s)/$(uname -m) in onnxruntime-node" >&2; exit 1 ;;
esac
if [ -s "$dest/libonnxruntime.so.1" ] && [ -s "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
  echo "fetch-onnxruntime: $dest/libonnxruntime.so.1 ($version) already present"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-onnxruntime: npm not found (Debian: apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
tgz=$(ls "$tmp"/onnxruntime-node-*.tgz)
member=package/bin/napi-v6/linux/$arch/libonnxruntime.so.1
tar -xzf "$tgz" -C "$tmp" "$member"
mkdir -p "$dest"
# Install atomically so a concurrent reader never sees half a library.
cp "$tmp/$member" "$dest/.libonnxruntime.so.1.tmp"
mv "$dest/.libonnxruntime.so.1.tmp" "$dest/libonnxruntime.so.1"
echo "$version" >"$dest/VERSION"
echo "fetch-onnxruntime: installed $dest/libonnxruntime.so.1 (onnxruntime-node@$version, linux/$arch)"
