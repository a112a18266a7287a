#!/usr/bin/env bash
# `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command true` in a warm session against
# `podman run --rm --network none` of the same image (loaded from our DockerArchive export) with a private vfs store.
# Warm, as in bench/exec.sh: a session whose hot code the JIT has finished re-compiling (bench/lib/run-container-session.ps1
# runs until it has; a few hundred runs with .NET's dynamic PGO), as in a script or shell that has been running a while.
# Other jobs share this machine: ROUNDS (default 3) interleaved rounds of RUNS/ROUNDS runs each (RUNS default 30),
# all served by one warm session; each side's number is the median of its round medians. Goal (issue 17): ours <= 0.1x
# podman's time. Also printed, not part of the goal: the same run early in a session (fresh sessions, 3 untimed runs).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
runs=${RUNS:-30}
rounds=${ROUNDS:-3}
per_round=$(( (runs + rounds - 1) / rounds ))
ulimit -n 20000
# Like the peer's --network none: no bridge, loopback only (bench/run-network.sh times the default bridge).
export CONTAINERTOOLS_DEFAULT_NETWORK=none
make_work run

bench_pwsh "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" 1 >/dev/null
pod load -q -i "$work/busybox.docker.tar" >/dev/null
for i in 1 2; do pod run --rm "${pod_run_flags[@]}" bench/busybox:latest true; done
coproc session { bench_pwsh "$repo/bench/lib/run-container-session.ps1" "$work"; }
read -r -u "${session[0]}" warm_line
our_round() { echo "$per_round" >&"${session[1]}"; read -r -u "${session[0]}" ms; echo "$ms"; }
podman_once() { pod run --rm "${pod_run_flags[@]}" bench/busybox:latest true; }
interleave_rounds our_round podman_once
exec {session[1]}>&-
wait "$session_PID"
ours=$(median < "$work/ours.ms")
theirs=$(median < "$work/peer.ms")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "warm session: $warm_line"
echo "Invoke-ContainerImage -RemoveAutomatically true: $ours ms (median of $rounds x $per_round, warm session; rounds: $(paste -sd" " "$work/ours.ms"))"
echo "podman run --rm --network none true:            $theirs ms (median of $rounds x $per_round; rounds: $(paste -sd" " "$work/peer.ms"))"
echo "ratio: $(ratio "$ours" "$theirs")x (goal <= 0.1x)"
# Early in a session (not the goal): fresh sessions, 3 untimed runs each, then RUNS/ROUNDS timed.
early=$(for round in $(seq "$rounds"); do bench_pwsh "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" "$per_round"; done | median)
echo "early in a session (3 untimed runs first): $early ms, $(ratio "$early" "$theirs")x"
# Where our time goes (not part of the ratio): each phase of the same run as separate cmdlets.
echo "our phases (median of 10, warm engine):"
bench_pwsh "$repo/bench/lib/run-phases.ps1" "$work" 10 | sed 's/^/  /'
# The default seccomp filter's share of a start (issue 12: goal <= 1 ms), in the same warm-engine loop.
echo "seccomp filter cost (alternating runs, warm engine):"
bench_pwsh "$repo/bench/lib/run-seccomp-cost.ps1" "$work" "${SECCOMP_RUNS:-60}" | sed 's/^/  /'
source "$repo/bench/lib/seccomp-start-cpu.sh"
seccomp_start_cpu "${SECCOMP_RUNS:-60}" | sed 's/^/  /'
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
