#!/usr/bin/env bash
# The start-time cost of the default seccomp filter alone (issue 12; goal <= 1 ms): the default profile against
# -SecurityOption seccomp=unconfined, alternated pair by pair in one warm engine, for New-Container, Start-Container +
# Wait-Container and Invoke-ContainerImage; then the first create of a session with the store's compiled-filter cache
# empty and filled; then `ctrun run` of the two bundles, wall and CPU time. RUNS pairs (default 60). bench/run-container.sh prints the same after its comparison with podman.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/seccomp-start-cpu.sh"
ulimit -n 20000
export CONTAINERTOOLS_DEFAULT_NETWORK=none
make_work seccomp
bench_pwsh "$repo/bench/lib/run-seccomp-cost.ps1" "$work" "${RUNS:-60}"
seccomp_start_cpu "${RUNS:-60}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
