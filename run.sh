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

# demo and test must leave the host as they found it (scripts/host-state.sh): a snapshot before, a check after. A
# difference fails the run and is named; the run's own status still counts. The test's closing line
# ("N passed, N failed, N skipped") stays the last line printed: when the check finds something, its report is
# printed and then the closing line again.
run_checked() {
  local before log status=0 host=0
  before=$(mktemp) log=$(mktemp)
  scripts/host-state.sh snapshot "$before"
  # Only the test's output is kept (for its closing line); the demo keeps its terminal.
  if [ "$what" = test ]; then "$@" | tee "$log" || status=${PIPESTATUS[0]}
  else "$@" || status=$?; fi
  scripts/host-state.sh check "$before" > "$log.host" || host=1
  if [ "$host" = 1 ]; then
    echo "The host was not left as it was found:"
    cat "$log.host"
    if [ "$what" = test ]; then tail -n 1 "$log"; fi
  fi
  rm -f "$before" "$log" "$log.host"
  if [ "$status" = 0 ] && [ "$host" = 1 ]; then status=1; fi
  return "$status"
}

case "$what" in
  demo)
    # The user's own pwsh when there is one the module can load in (7.6 or later: .NET 10), else the one ./build.sh made.
    if command -v pwsh >/dev/null && pwsh -NoProfile -NonInteractive -c 'exit [int]($PSVersionTable.PSVersion -lt [version]"7.6")' 2>/dev/null
    then run_checked pwsh -NoProfile -File examples/demo.ps1
    else run_checked out/pwsh/pwsh -NoProfile -File examples/demo.ps1; fi ;;
  test)
    run_checked scripts/test.sh ;;
  bench)
    exec bench/run.sh ;;
esac
