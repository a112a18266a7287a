#!/usr/bin/env bash
# The start-time cost of the default seccomp filter alone (issue 12; goal <= 1 ms): Invoke-ContainerImage with the
# default profile against -SecurityOption seccomp=unconfined, alternated run by run in one warm engine. RUNS pairs
# (default 40). bench/run-container.sh prints the same after its comparison with podman.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
ulimit -n 20000
export CONTAINERTOOLS_DEFAULT_NETWORK=none
make_work seccomp
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_pwsh "$repo/bench/lib/run-seccomp-cost.ps1" "$work" "${RUNS:-40}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
