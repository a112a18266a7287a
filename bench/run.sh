#!/usr/bin/env bash
# Runs every benchmark; each prints its own ratios against peers measured in the same run.
set -euo pipefail
cd "$(dirname "$0")"
for b in image-import.sh; do
  echo "== $b"
  "./$b"
done
