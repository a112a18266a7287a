#!/usr/bin/env bash
# ./run.sh demo | test | bench — the one entry point the README and CI use.
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-}
case "$what" in
  demo|test|bench) ;;
  *) echo "usage: $0 demo|test|bench" >&2; exit 2 ;;
esac
scripts/setup.sh
./build.sh
case "$what" in
  demo)
    # The user's own pwsh when there is one, else the one ./build.sh made.
    if command -v pwsh >/dev/null; then exec pwsh -NoProfile -File examples/demo.ps1
    else exec out/pwsh/pwsh -NoProfile -File examples/demo.ps1; fi ;;
  test)
    exec scripts/test.sh ;;
  bench)
    exec bench/run.sh ;;
esac
