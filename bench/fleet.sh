#!/usr/bin/env bash
# A fleet with its sessions open: Get-Container -Session and Invoke-ContainerImage -Session (busybox `true`, removed
# after) over 1, 4 and 8 hosts (sshd instances on 127.0.0.2-.9, each with its own store of RUNS_CONTAINERS, default 20,
# created containers); median of RUNS (default 7) calls each. Invoke-Command -Session { Get-Container } over the same
# hosts is the reference (PowerShell's own fan-out, no rehydration). Goal: 8 hosts <= 2x one host. Measured warm:
# every call runs on all hosts until no pwsh (host or client) compiles much any more (bench/lib/fleet.ps1).
#
# The CPU floor: the whole bench (the client pwsh, ssh, every sshd and host pwsh, ctmon, ctinit, the containers, whose
# cgroups go beneath their caller's) runs in a cgroup of its own beneath this shell's (cpuacct on v1, the unified
# hierarchy on v2), removed after. Its CPU counter over the one-host calls (less what the idle hosts spend meanwhile)
# is the CPU of one call; 8 hosts' calls need at least 8 x that / cores of wall time, which bounds the 8/1 ratio from
# below on this machine whatever the fan-out does.
set -euo pipefail
source "$(dirname "$0")/lib/pwsh.sh"
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
cpu_cgroup="" cpu_counter=""
if mount=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/self/mounts) && [ -n "$mount" ]; then
  cpu_cgroup=$mount$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' /proc/self/cgroup | sed 's:/$::')/ct-fleet-bench-$$
  cpu_counter=$cpu_cgroup/cpuacct.usage
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cpu_cgroup=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup | sed 's:/$::')/ct-fleet-bench-$$
  cpu_counter=$cpu_cgroup/cpu.stat
fi
remove_cpu_cgroup() {
  [ -n "$cpu_cgroup" ] && [ -d "$cpu_cgroup" ] || return 0
  # The hosts' last processes (sshd children, monitors) may take a moment to leave it.
  for _ in $(seq 50); do rmdir "$cpu_cgroup" 2>/dev/null && return 0; sleep 0.1; done
  echo "fleet.sh: could not remove $cpu_cgroup: $(cat "$cpu_cgroup/cgroup.procs" | tr '\n' ' ')" >&2
}
trap 'rm -f "$out"; remove_cpu_cgroup' EXIT
if [ -n "$cpu_cgroup" ] && ! mkdir "$cpu_cgroup" 2>/dev/null; then
  echo "fleet.sh: no cgroup of its own ($cpu_cgroup): the CPU floor is not measured" >&2
  cpu_cgroup="" cpu_counter=""
fi
(
  if [ -n "$cpu_cgroup" ]; then echo "$BASHPID" > "$cpu_cgroup/cgroup.procs"; fi
  bench_pwsh "$repo/bench/lib/fleet.ps1" -Runs "${RUNS:-7}" -Containers "${RUNS_CONTAINERS:-20}" -CpuCounter "$cpu_counter"
) > "$out"
cores=$(nproc)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $cores cores"
ms() { awk -v w="$1" -v n="$2" '$1 == w && $2 == n { print $3 }' "$out"; }
awk '$1 == "warm-first" { f = $0 } $1 == "warm-last" { l = $0 } END {
  split(f, a); split(l, b)
  printf "warm-up: %d rounds (Get-Container, Invoke-Command, Invoke-ContainerImage on all 8 hosts); methods JIT-compiled a round by the busiest pwsh, wall and CPU a round: first 5 %d, %d ms, %d ms CPU; last 5 %d, %d ms, %d ms CPU\n",
    b[2], a[3], a[4], a[5], b[3], b[4], b[5] }' "$out"
if [ -n "$(ms cpu-idle 0)" ]; then echo "idle fleet after the warm-up: $(ms cpu-idle 0) ms CPU a second (the idle hosts' share taken off one host's CPU)"; fi
for what in get run invoke-command; do
  one=$(ms "$what" 1); four=$(ms "$what" 4); eight=$(ms "$what" 8)
  ratio=$(awk -v a="$eight" -v b="$one" 'BEGIN { printf "%.2f", a / b }')
  label=$(case $what in get) echo "Get-Container -Session";; run) echo "Invoke-ContainerImage -Session";; *) echo "Invoke-Command { Get-Container }";; esac)
  printf '%-34s 1 host %8s ms   4 hosts %8s ms   8 hosts %8s ms   8/1: %s' "$label" "$one" "$four" "$eight" "$ratio"
  if [ "$what" != invoke-command ]; then
    awk -v r="$ratio" 'BEGIN { print (r <= 2) ? "   (goal <= 2: yes)" : "   (goal <= 2: NO)" }'
  else
    echo "   (reference)"
  fi
  cpu_one=$(ms "cpu-$what" 1); cpu_eight=$(ms "cpu-$what" 8)
  if [ -n "$cpu_one" ] && [ -n "$cpu_eight" ]; then
    # Work spread over every core is the least wall time it can take here: 8 one-host calls' CPU (or what an 8-host
    # call was measured to spend, JIT of the hosts still warming included) over the cores, divided by one host's wall
    # time, is the least 8/1 ratio this machine allows.
    awk -v c="$cpu_one" -v c8="$cpu_eight" -v w="$one" -v n="$cores" 'BEGIN {
      printf "%34s CPU floor: one call %.1f ms CPU (every process), 8 x that / %d cores = %.0f ms: 8/1 >= %.2f; an 8-host call spent %.1f ms CPU: 8/1 >= %.2f (<= 2 %s)\n",
        "", c, n, 8 * c / n, 8 * c / n / w, c8, c8 / n / w, (c8 / n / w <= 2) ? "possible here" : "impossible here" }'
  fi
done
