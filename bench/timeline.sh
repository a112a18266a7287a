#!/usr/bin/env bash
# Where a warm foreground run's wall time goes: perf tracepoints of WARM untimed and RUNS timed
# `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command true` runs (150 ms apart, so each run is one
# cluster of events), then the medians of each step of the process chain (bench/lib/timeline-segments.py).
# usage: bench/timeline.sh [WARM [RUNS]]  (defaults 100 and 15). Needs perf; tracing adds about 1 ms a run.
# EVENTS overrides the tracepoints.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
warm=${1:-100}
runs=${2:-15}
events=${EVENTS:-sched:sched_process_exec,sched:sched_process_fork,sched:sched_process_exit,syscalls:sys_enter_unshare,syscalls:sys_enter_rename,syscalls:sys_enter_exit_group,syscalls:sys_enter_execve,syscalls:sys_enter_wait4,syscalls:sys_enter_clone3,syscalls:sys_enter_mount}
ulimit -n 20000
export CONTAINERTOOLS_DEFAULT_NETWORK=none
make_work timeline
export CT_READY=$work/ready CT_GO=$work/go
bench_pwsh "$repo/bench/lib/timeline.ps1" "$work" "$warm" "$runs" > "$work/times.txt" &
session=$!
while [ ! -e "$CT_READY" ]; do
  kill -0 "$session" 2>/dev/null || { echo "the pwsh session ended before its warm-up did" >&2; exit 1; }
  sleep 0.1
done
perf record -q -o "$work/perf.data" -a -e "$events" 2>/dev/null &
recorder=$!
sleep 1
touch "$CT_GO"
wait "$session"
kill -INT "$recorder"; wait "$recorder" || true
perf script -i "$work/perf.data" -F comm,pid,tid,cpu,time,event,trace 2>/dev/null > "$work/events.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "timed runs (ms, traced): $(cat "$work/times.txt")"
python3 "$repo/bench/lib/timeline-segments.py" "$work/events.txt"
