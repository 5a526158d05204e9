#!/usr/bin/env bash
# Prints "N passed, N failed", summed over every project's vitest summary in the given logs.
set -euo pipefail
sed -E 's/\x1b\[[0-9;]*m//g' "$@" | awk '
  /^[^ ]*:? *Tests +[0-9]/ { for (i = 2; i <= NF; i++) { if ($i == "passed") p += $(i - 1); if ($i == "failed") f += $(i - 1) } }
  END { printf "%d passed, %d failed\n", p, f }'
