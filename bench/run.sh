#!/usr/bin/env bash
# Runs every benchmark; each prints its own ratios against peers measured in the same run.
set -uo pipefail
cd "$(dirname "$0")"
status=0
host_before=$(mktemp)
for b in *.sh; do
  # ab-start.sh and ab-helpers.sh compare two builds of this repository and need the other one's path: run them by hand.
  [ "$b" = run.sh ] || [ "$b" = ab-start.sh ] || [ "$b" = ab-helpers.sh ] && continue
  echo "== $b"
  # A benchmark must leave the host as it found it; a difference is a warning here, not a failure.
  ../scripts/host-state.sh snapshot "$host_before"
  "./$b" || { echo "$b failed" >&2; status=1; }
  ../scripts/host-state.sh check "$host_before" | sed "s/^/warning: $b: /" >&2
done
rm -f "$host_before"
exit $status
