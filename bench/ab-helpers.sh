#!/usr/bin/env bash
# Before/after of a change to ctmon or ctinit alone: `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command
# true` in one warm engine of this build, run by run with the helpers of another build ($1: its out/ContainerTools, or a
# copy of it) and with this build's, alternated pair by pair (the side that goes first alternates too) so that the
# load of other jobs falls on both alike. Prints each side's median and the median of the paired differences (this
# build's helpers minus the other's), in milliseconds. RUNS pairs (default 60).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
other=$(cd "${1:?usage: bench/ab-helpers.sh OTHER_BUILD/out/ContainerTools}" && pwd)
enter_private_mounts "$@"
ulimit -n 20000
export CONTAINERTOOLS_DEFAULT_NETWORK=none
make_work ab-helpers
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_pwsh "$repo/bench/lib/run-helpers-ab.ps1" "$work" "${RUNS:-60}" "$other" "$repo/out/ContainerTools"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
