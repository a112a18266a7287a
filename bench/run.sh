#!/usr/bin/env bash
# Runs every benchmark; each prints its own ratios against peers measured in the same run.
set -uo pipefail
cd "$(dirname "$0")"
status=0
for b in *.sh; do
  # ab-start.sh compares two builds of this repository and needs the other one's path: run it by hand.
  [ "$b" = run.sh ] || [ "$b" = ab-start.sh ] && continue
  echo "== $b"
  "./$b" || { echo "$b failed" >&2; status=1; }
done
exit $status
