#!/usr/bin/env bash
# Prints vitest's "FAIL file > test" lines and vitest.shared.ts's "RETRIED file > test" lines from the
# given logs, once each, so that the end of CI's output names what failed or passed only when retried
# (the summary line alone only counts them).
set -euo pipefail
sed -E 's/\x1b\[[0-9;]*m//g' "$@" | grep -E '^([^ ]+: +)?(FAIL|RETRIED) ' | sort -u || true
