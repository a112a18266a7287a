#!/usr/bin/env bash
# A process in a running container: `Invoke-ContainerCommand -Command true` in a warm session (out/pwsh/pwsh,
# N calls in one session, mean ms per call) against `crun exec CONTAINER true` on a container crun runs itself, and
# `podman exec` (private store, vfs) when it works here. Interleaved rounds, median round per tool, and ratios.
# Needs ./build.sh first. RUNS (default 60) calls per tool, ROUNDS (default 3). WARMUP (default 150) untimed calls
# start each session: a warm session is one whose hot paths the JIT has already tiered up (a fresh one spends most
# of its first hundred calls compiling), as in an interactive shell or a script that has been running a while.
# Like with like: the crun container's process carries our container's confinement, copied from its
# bundle/config.json (linux.seccomp: Docker's default profile, which every exec'd process loads too; the capability
# sets, noNewPrivileges, rlimits; neither has an AppArmor profile or an oom_score_adj). The bench prints that
# confinement and what /proc/PID/status says of an exec'd process in each container (Seccomp mode 2 = a filter).
# For reference, a second crun container keeps runc's default spec (`ctrun spec`: no seccomp filter, 3 capabilities,
# no_new_privs, RLIMIT_NOFILE 1024), the bench's comparison before: its row is not the goal's.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-60}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-150}
per_round=$(( (runs + rounds - 1) / rounds ))
[ -x out/pwsh/pwsh ] && [ -x out/ContainerTools/ctinit ] || { echo "run ./build.sh first" >&2; exit 1; }
. bench/lib/pwsh.sh
work=$(mktemp -d /tmp/ct-bench-exec.XXXXXX)
own_memory_cgroup=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
cgroup_leaf="ctbench-exec-$$"
cleanup() {
  CONTAINERTOOLS_ROOT=$work/store bench_pwsh "$work/remove.ps1" >/dev/null 2>&1 || true
  unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; crun delete -f ctbench-exec; crun delete -f ctbench-exec-plain" >/dev/null 2>&1 || true
  if [ -n "${podman:-}" ]; then podman_ns "$podman rm -f -t 0 ctbench-exec; $podman system reset -f" >/dev/null 2>&1 || true; fi
  for hierarchy in /sys/fs/cgroup/*/; do
    for leaf in "$cgroup_leaf" "$cgroup_leaf-plain"; do rmdir "${hierarchy%/}${own_memory_cgroup%/}/$leaf" 2>/dev/null || true; done
  done
  rm -rf "$work"
}
trap cleanup EXIT

# One busybox root filesystem for all three.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$rootfs/bin/"
for applet in sh true sleep; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$work/rootfs.tar" .

cat > "$work/remove.ps1" <<'PS'
Import-Module ./out/ContainerTools
Get-Container | Remove-Container -Force
# A network left behind would keep its bridge and iptables rules after the store is deleted.
Get-ContainerNetwork | Remove-ContainerNetwork -Force
PS
cat > "$work/setup.ps1" <<'PS'
$ErrorActionPreference = 'Stop'
Import-Module ./out/ContainerTools
Import-ContainerImage -RootFs -Path $env:BENCH_TARBALL -Name local/busybox:1 | Out-Null
# An empty network namespace, like the crun container's: exec does not depend on the network.
Invoke-ContainerImage local/busybox:1 -Detach -Name ctbench-exec -Network none -Command sleep,100000 | Out-Null
PS
# What an exec'd process of ours carries: sleep 1 outlives the read of its status; this session's reaper thread waits for it.
cat > "$work/probe.ps1" <<'PS'
$ErrorActionPreference = 'Stop'
Import-Module ./out/ContainerTools
$process = Start-ContainerProcess ctbench-exec -Command sleep,1
(Get-Content "/proc/$($process.Pid)/status" | Where-Object { $_ -match '^(Seccomp|Seccomp_filters|NoNewPrivs|CapBnd):' }) -replace '\s+', ' ' -join ', '
Start-Sleep -Milliseconds 1100
PS
cat > "$work/loop.ps1" <<'PS'
$ErrorActionPreference = 'Stop'
Import-Module ./out/ContainerTools
$n = [int]$env:BENCH_RUNS
for ($i = 0; $i -lt [int]$env:BENCH_WARMUP; $i++) { Invoke-ContainerCommand ctbench-exec -Command true }
$watch = [Diagnostics.Stopwatch]::StartNew()
for ($i = 0; $i -lt $n; $i++) { Invoke-ContainerCommand ctbench-exec -Command true }
"{0:F2}" -f ($watch.Elapsed.TotalMilliseconds / $n)
PS
export CONTAINERTOOLS_ROOT=$work/store BENCH_TARBALL=$work/rootfs.tar BENCH_WARMUP=$warmup
bench_pwsh "$work/setup.ps1"

# crun: containers it runs itself from a bundle with runc's default spec (ctrun spec), detached: ctbench-exec with our
# container's process-level confinement (see the top), ctbench-exec-plain as ctrun spec makes it.
ours_config=$(find "$work/store/containers" -path '*/bundle/config.json' | head -1)
[ -n "$ours_config" ] || { echo "our container's bundle/config.json is not in $work/store/containers" >&2; exit 1; }
crun_bundle() { # NAME CGROUP_LEAF JQ_FILTER
  local bundle=$work/$1
  mkdir -p "$bundle"
  cp -a "$rootfs" "$bundle/rootfs"
  "$repo/out/ContainerTools/ctrun" spec --bundle "$bundle"
  jq --slurpfile ours "$ours_config" --arg path "${own_memory_cgroup%/}/$2" \
    ".linux.cgroupsPath = \$path | .process.terminal = false | .process.args = [\"sleep\", \"100000\"] | $3" \
    "$bundle/config.json" > "$work/config.json"
  mv "$work/config.json" "$bundle/config.json"
}
crun_bundle bundle "$cgroup_leaf" '.linux.seccomp = $ours[0].linux.seccomp
  | .process.capabilities = $ours[0].process.capabilities
  | .process.noNewPrivileges = ($ours[0].process.noNewPrivileges // false)
  | if $ours[0].process.rlimits then .process.rlimits = $ours[0].process.rlimits else del(.process.rlimits) end
  | del(.process.apparmorProfile, .process.oomScoreAdj)
  | if .linux.seccomp == null then del(.linux.seccomp) else . end'
crun_bundle bundle-plain "$cgroup_leaf-plain" '.'
# crun refuses this hybrid host's cgroup2 mount that holds only hugetlb: hide it in a private mount namespace.
crun_ns() { unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; $1"; }
crun_ns "crun run -d -b $work/bundle ctbench-exec </dev/null >/dev/null 2>&1"
crun_ns "crun run -d -b $work/bundle-plain ctbench-exec-plain </dev/null >/dev/null 2>&1"

confinement() { # CONFIG.JSON: the process-level confinement a bundle gives its processes
  jq -r '"seccomp " + (if .linux.seccomp then "\(.linux.seccomp.defaultAction), \(.linux.seccomp.syscalls | length) rules, \(.linux.seccomp.architectures | length) architectures" else "none" end)
    + "; \(.process.capabilities.bounding | length) capabilities; noNewPrivileges \(.process.noNewPrivileges // false)"
    + "; rlimits " + ([.process.rlimits[]? | "\(.type)=\(.soft)"] | if length > 0 then join(",") else "none" end)
    + "; apparmor \(.process.apparmorProfile // "none")"' "$1"
}
crun_exec_status() { # CONTAINER: /proc/PID/status of a process crun exec starts in it
  crun_ns "crun exec -d --pid-file $work/exec.pid $1 sleep 1" >/dev/null
  grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs|CapBnd):' "/proc/$(cat "$work/exec.pid")/status" | tr -s '\t ' ' ' | paste -sd, | sed 's/,/, /g'
}
echo "ours:            $(confinement "$ours_config")"
echo "  an exec'd process: $(bench_pwsh "$work/probe.ps1" | tail -1)"
echo "crun:            $(confinement "$work/bundle/config.json")"
echo "  an exec'd process: $(crun_exec_status ctbench-exec)"
echo "crun, runc spec: $(confinement "$work/bundle-plain/config.json")"
echo "  an exec'd process: $(crun_exec_status ctbench-exec-plain)"

# podman, if it can run here: a private store on vfs, and --network none like the other two (podman's default network
# would leave podman0, netavark's iptables rules and a /run/netns file behind: its netns is mounted in unshare's namespace).
podman="podman --root $work/podman/root --runroot $work/podman/run --storage-driver vfs --cgroup-manager cgroupfs --events-backend file"
# Its crun refuses the hybrid cgroup layout too: every podman command runs where the cgroup2 mount is hidden.
podman_ns() { unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; ulimit -n 20000; $1"; }
if ! podman_ns "$podman import $work/rootfs.tar localhost/ctbench:1 >$work/podman-run.log 2>&1 &&
     $podman run -d --network none --ulimit nofile=10000:10000 --ulimit nproc=4096:4096 --name ctbench-exec localhost/ctbench:1 sleep 100000 >$work/podman-run.log 2>&1"; then
  echo "podman could not run a container here, left out: $(tail -1 "$work/podman-run.log" 2>/dev/null)" >&2
  podman=
fi

mean_ms() { jq '.results[0].mean * 1000' "$1"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$work/ct.ms"; : > "$work/crun.ms"; : > "$work/crun-plain.ms"; : > "$work/podman.ms"
for round in $(seq "$rounds"); do
  BENCH_RUNS=$per_round bench_pwsh "$work/loop.ps1" | tail -1 >> "$work/ct.ms"
  crun_ns "hyperfine -N --warmup 2 -r $per_round --export-json $work/crun.json 'crun exec ctbench-exec true'" >/dev/null
  mean_ms "$work/crun.json" >> "$work/crun.ms"
  crun_ns "hyperfine -N --warmup 2 -r $per_round --export-json $work/crun-plain.json 'crun exec ctbench-exec-plain true'" >/dev/null
  mean_ms "$work/crun-plain.json" >> "$work/crun-plain.ms"
  if [ -n "$podman" ]; then
    podman_ns "hyperfine -N --warmup 1 -r $(( per_round < 10 ? per_round : 10 )) --export-json $work/podman.json '$podman exec ctbench-exec true'" >/dev/null
    mean_ms "$work/podman.json" >> "$work/podman.ms"
  fi
done

ct=$(median < "$work/ct.ms")
crun_ms=$(median < "$work/crun.ms")
crun_plain_ms=$(median < "$work/crun-plain.ms")
printf '%-46s %8s %10s\n' "exec true in a running container ($rounds x $per_round)" "ms" "x/ours"
printf '%-46s %8.2f %10.2f\n' "Invoke-ContainerCommand, warm session" "$ct" 1
printf '%-46s %8.2f %10.2f\n' "crun exec, same confinement (the goal's peer)" "$crun_ms" "$(echo "$crun_ms / $ct" | bc -l)"
printf '%-46s %8.2f %10.2f\n' "crun exec, runc's default spec (no seccomp)" "$crun_plain_ms" "$(echo "$crun_plain_ms / $ct" | bc -l)"
if [ -n "$podman" ]; then
  podman_ms=$(median < "$work/podman.ms")
  printf '%-46s %8.2f %10.2f\n' "podman exec" "$podman_ms" "$(echo "$podman_ms / $ct" | bc -l)"
fi
