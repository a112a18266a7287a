#!/usr/bin/env bash
# Resident memory of the per-container monitor: COUNT (default 20) detached `sleep 300` containers, VmRSS of their
# ctmon processes against podman's conmon for COUNT `podman run -d` containers of the same image. Goal: <= 1x conmon (issue 17).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
count=${COUNT:-20}
ulimit -n 20000
make_work rss

bench_pwsh "$repo/bench/lib/start-detached.ps1" "$work" "$count" 0 > "$work/ours.out"
[ "$(sed -n 2p "$work/ours.out")" = "$count" ] || { echo "expected $count running containers" >&2; exit 1; }
# Idle monitors: ctmon drops its start-up pages one second after the start (docs/processes.md, Monitor footprint).
sleep 2
ours_pids=$(monitor_pids)
[ "$(wc -w <<<"$ours_pids")" = "$count" ] || { echo "expected $count ctmon processes, found: $ours_pids" >&2; exit 1; }
for pid in $ours_pids; do rss_kb "$pid"; done > "$work/ctmon.kb"
for pid in $ours_pids; do pss_kb "$pid"; done > "$work/ctmon.pss"

bench_pwsh "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" 1 >/dev/null
pod load -q -i "$work/busybox.docker.tar" >/dev/null
for i in $(seq "$count"); do pod run -d "${pod_run_flags[@]}" bench/busybox:latest sleep 300 >/dev/null; done
sleep 2
conmon_pids=$(pgrep -f "conmon .*$work/podman/" || true)
[ "$(wc -w <<<"$conmon_pids")" = "$count" ] || { echo "expected $count conmon processes, found: $conmon_pids" >&2; exit 1; }
for pid in $conmon_pids; do rss_kb "$pid"; done > "$work/conmon.kb"
for pid in $conmon_pids; do pss_kb "$pid"; done > "$work/conmon.pss"

ours=$(median < "$work/ctmon.kb"); theirs=$(median < "$work/conmon.kb")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ctmon VmRSS:  median $ours kB, sum $(paste -sd+ "$work/ctmon.kb" | bc) kB over $count containers"
echo "conmon VmRSS: median $theirs kB, sum $(paste -sd+ "$work/conmon.kb" | bc) kB over $count containers"
echo "ratio: $(ratio "$ours" "$theirs")x (goal <= 1x)"
ours_pss=$(median < "$work/ctmon.pss"); theirs_pss=$(median < "$work/conmon.pss")
echo "Pss (shared pages split): ctmon median $ours_pss kB, conmon median $theirs_pss kB, ratio $(ratio "$ours_pss" "$theirs_pss")x"
