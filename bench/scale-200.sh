#!/usr/bin/env bash
# COUNT (default 200) running containers at once: starts COUNT detached `sleep 300` containers with
# Invoke-ContainerImage -Detach in one warm engine, checks Get-Container shows them all Running and COUNT ctmon
# processes run, removes them all with Get-Container | Remove-Container -Force, then checks no ctmon process, overlay
# mount or container cgroup directory is left.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
count=${COUNT:-200}
make_work scale
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); nproc limit $(ulimit -u), nofile $(ulimit -n), pid_max $(cat /proc/sys/kernel/pid_max)"

bench_pwsh "$repo/bench/lib/start-detached.ps1" "$work" "$count" 0 > "$work/start.out"
start_ms=$(sed -n 1p "$work/start.out"); running=$(sed -n 2p "$work/start.out")
monitors=$(monitor_pids | wc -l)
mounts=$(awk -v s="$store/" 'index($5, s) == 1' /proc/self/mountinfo | wc -l)
ids=$(ls "$store/containers")
cgroup_dirs() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    for id in $ids; do [ -d "$hierarchy${own_cgroup#/}/containertools/$id" ] && echo "$hierarchy$id"; done
  done
  true
}
cgroups_running=$(cgroup_dirs | wc -l)
rss_sum=$(for pid in $(monitor_pids); do rss_kb "$pid"; done | paste -sd+ | bc)
echo "start $count detached sleep containers: $start_ms ms ($(ratio "$start_ms" "$count") ms each)"
echo "Get-Container -Status Running: $running; ctmon processes: $monitors (VmRSS sum $rss_sum kB); overlay mounts: $mounts; container cgroup dirs: $cgroups_running"

start=$(now_ns)
bench_pwsh "$repo/bench/lib/remove-all.ps1" > /dev/null
echo "remove all (cold pwsh incl. module load): $(( ($(now_ns) - start) / 1000000 )) ms"
left_containers=$(ls "$store/containers" | wc -l)
sleep 1
left_monitors=$(monitor_pids | wc -l)
left_mounts=$(awk -v s="$store/" 'index($5, s) == 1' /proc/self/mountinfo | wc -l)
left_cgroups=$(cgroup_dirs | wc -l)
echo "after Get-Container | Remove-Container -Force: containers $left_containers, ctmon $left_monitors, overlay mounts $left_mounts, cgroup dirs $left_cgroups"
status=ok
[ "$running" = "$count" ] && [ "$monitors" = "$count" ] || status=FAILED
[ "$left_containers$left_monitors$left_mounts$left_cgroups" = 0000 ] || status=FAILED
echo "result: $status"
[ $status = ok ]
