#!/usr/bin/env bash
# A process in a running container: `Invoke-ContainerCommand -Command true` in a warm session (out/pwsh/pwsh,
# N calls in one session, mean ms per call) against `crun exec CONTAINER true` on a container crun runs itself, and
# `podman exec` (private store, vfs) when it works here. Interleaved rounds, median round per tool, and ratios.
# Needs ./build.sh first. RUNS (default 60) calls per tool, ROUNDS (default 3). WARMUP (default 150) untimed calls
# start each session: a warm session is one whose hot paths the JIT has already tiered up (a fresh one spends most
# of its first hundred calls compiling), as in an interactive shell or a script that has been running a while.
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
  unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; crun delete -f ctbench-exec" >/dev/null 2>&1 || true
  if [ -n "${podman:-}" ]; then podman_ns "$podman rm -f -t 0 ctbench-exec; $podman system reset -f" >/dev/null 2>&1 || true; fi
  for hierarchy in /sys/fs/cgroup/*/; do rmdir "${hierarchy%/}${own_memory_cgroup%/}/$cgroup_leaf" 2>/dev/null || true; done
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

# crun: a container it runs itself from a bundle with runc's default spec (ctrun spec), detached.
bundle=$work/bundle
mkdir -p "$bundle"
cp -a "$rootfs" "$bundle/rootfs"
"$repo/out/ContainerTools/ctrun" spec --bundle "$bundle"
jq --arg path "${own_memory_cgroup%/}/$cgroup_leaf" '.linux.cgroupsPath = $path | .process.terminal = false | .process.args = ["sleep", "100000"]' \
  "$bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$bundle/config.json"
# crun refuses this hybrid host's cgroup2 mount that holds only hugetlb: hide it in a private mount namespace.
crun_ns() { unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; $1"; }
crun_ns "crun run -d -b $bundle ctbench-exec </dev/null >/dev/null 2>&1"

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
: > "$work/ct.ms"; : > "$work/crun.ms"; : > "$work/podman.ms"
for round in $(seq "$rounds"); do
  BENCH_RUNS=$per_round bench_pwsh "$work/loop.ps1" | tail -1 >> "$work/ct.ms"
  crun_ns "hyperfine -N --warmup 2 -r $per_round --export-json $work/crun.json 'crun exec ctbench-exec true'" >/dev/null
  mean_ms "$work/crun.json" >> "$work/crun.ms"
  if [ -n "$podman" ]; then
    podman_ns "hyperfine -N --warmup 1 -r $(( per_round < 10 ? per_round : 10 )) --export-json $work/podman.json '$podman exec ctbench-exec true'" >/dev/null
    mean_ms "$work/podman.json" >> "$work/podman.ms"
  fi
done

ct=$(median < "$work/ct.ms")
crun_ms=$(median < "$work/crun.ms")
printf '%-46s %8s %10s\n' "exec true in a running container ($rounds x $per_round)" "ms" "x/ours"
printf '%-46s %8.2f %10.2f\n' "Invoke-ContainerCommand, warm session" "$ct" 1
printf '%-46s %8.2f %10.2f\n' "crun exec" "$crun_ms" "$(echo "$crun_ms / $ct" | bc -l)"
if [ -n "$podman" ]; then
  podman_ms=$(median < "$work/podman.ms")
  printf '%-46s %8.2f %10.2f\n' "podman exec" "$podman_ms" "$(echo "$podman_ms / $ct" | bc -l)"
fi
