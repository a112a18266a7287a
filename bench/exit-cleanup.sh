#!/usr/bin/env bash
# What the monitor's exit hook costs (docs/processes.md, The exit): for a detached -RemoveAutomatically container, the
# time from ctmon's exit.json to the container directory gone, on -Network none and on the default bridge (CNI DEL
# included), and ctcleanup's own start-up (wall, CPU, peak RSS) on an empty store. RUNS (default 10) per network.
# No peer ratio: podman's exit command is `podman container cleanup`, which this machine's podman runs the same way.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
runs=${RUNS:-10}
unset CONTAINERTOOLS_DEFAULT_NETWORK
make_work exit
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$ctpwsh" "$repo/bench/lib/exit-cleanup.ps1" "$work" none "$runs"
"$ctpwsh" "$repo/bench/lib/exit-cleanup.ps1" "$work" bridge "$runs"
mkdir -p "$work/empty"
for i in $(seq 5); do
  /usr/bin/time -f "%e %U %S %M" "$repo/out/ContainerTools/ctcleanup" --root "$work/empty" "$(printf '0%.0s' $(seq 64))" 2>&1 >/dev/null | tail -1
done > "$work/alone"
wall=$(awk '{ print $1 * 1000 }' "$work/alone" | median)
cpu=$(awk '{ print ($2 + $3) * 1000 }' "$work/alone" | median)
rss=$(awk '{ print $4 }' "$work/alone" | median)
echo "ctcleanup alone (empty store): median ${wall} ms wall, ${cpu} ms CPU, ${rss} kB peak RSS (5 runs)"
