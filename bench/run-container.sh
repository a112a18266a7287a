#!/usr/bin/env bash
# `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command true` in a warm hosted engine (median of RUNS
# runs, default 30) against `podman run --rm --network none` of the same image (loaded from our DockerArchive export)
# with a private vfs store. Goal: ours <= 0.25x podman's time.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
runs=${RUNS:-30}
ulimit -n 20000
make_work run

ours=$("$ctpwsh" "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" "$runs")
pod load -q -i "$work/busybox.docker.tar" >/dev/null
for i in 1 2; do pod run --rm "${pod_run_flags[@]}" bench/busybox:latest true; done
: > "$work/podman.ms"
for i in $(seq "$runs"); do
  start=$(now_ns)
  pod run --rm "${pod_run_flags[@]}" bench/busybox:latest true
  echo $(( ($(now_ns) - start) / 1000 )) | awk '{ print $1 / 1000 }' >> "$work/podman.ms"
done
theirs=$(median < "$work/podman.ms")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Invoke-ContainerImage -RemoveAutomatically true: $ours ms (median of $runs, warm engine)"
echo "podman run --rm --network none true:            $theirs ms (median of $runs)"
echo "ratio: $(ratio "$ours" "$theirs")x (goal <= 0.25x)"
