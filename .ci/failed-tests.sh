#!/usr/bin/env bash
# Prints vitest's "FAIL file > test" lines from the given logs, once each, so that the end of CI's
# output names what failed (the summary line alone only counts it).
set -euo pipefail
sed -E 's/\x1b\[[0-9;]*m//g' "$@" | grep -E '^([^ ]+: +)?FAIL ' | sort -u || true
