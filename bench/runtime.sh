#!/usr/bin/env bash
# bundle -> exited /bin/true on one busybox bundle with Docker's default spec (6 namespaces, masked/readonly paths):
#   ContainerLauncher from a warm .NET process (ctrun --repeat, mean per run), the same as a cold process per run,
#   `crun run` and `runc run`. Prints the median of ROUNDS interleaved rounds (default 5) of RUNS/ROUNDS runs each
#   (RUNS default 100) and the ratios.
# crun and runc also create and remove a cgroup per run (beneath this shell's own cgroup); ContainerLauncher does not
# (cgroups are the lifecycle's), so the comparison slightly favours it.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-100}
repo=$PWD
cgroup_leaf="ctbench-$$"
own_memory_cgroup=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
# crun/runc create cgroupsPath in every hierarchy, parents included: remember what existed, remove only what is new.
cgroup_candidates() {
  local hierarchy path
  for hierarchy in /sys/fs/cgroup/*/; do
    path=${hierarchy%/}
    for part in $(tr '/' ' ' <<<"${own_memory_cgroup#/}/$cgroup_leaf"); do
      path=$path/$part
      echo "$path"
    done
  done
}
existing_cgroups=$(cgroup_candidates | while read -r dir; do if [ -d "$dir" ]; then echo "$dir"; fi; done)
cleanup() {
  for id in ctbench-crun ctbench-runc; do
    crun delete -f "$id" >/dev/null 2>&1 || true
    runc delete -f "$id" >/dev/null 2>&1 || true
  done
  cgroup_candidates | sort -r | while read -r dir; do
    [ -d "$dir" ] && ! grep -qxF "$dir" <<<"$existing_cgroups" && rmdir "$dir" 2>/dev/null || true
  done
  rm -rf "$work"
}
work=$(mktemp -d /tmp/ct-bench-runtime.XXXXXX)
trap cleanup EXIT

init=$repo/out/ContainerTools/ctinit
if [ ! -x "$init" ]; then
  dotnet publish src/Init/ContainerTools.Init.csproj -c Release -r linux-x64 -o "$work/init" -nologo -v q
  init=$work/init/ctinit
fi
dotnet build bench/ctrun/ctrun.csproj -c Release -o "$work/ctrun" -nologo -v q >/dev/null
ctrun=$work/ctrun/ctrun

bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$bundle/rootfs/bin/"
for applet in sh true; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$bundle/rootfs/etc/passwd"
"$ctrun" spec "$bundle" /bin/true
# crun/runc: a cgroup beneath ours (the memory hierarchy is the one this session is confined to).
jq --arg path "${own_memory_cgroup%/}/$cgroup_leaf" '.linux.cgroupsPath = $path' "$bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$bundle/config.json"

export CONTAINERTOOLS_INIT=$init
"$ctrun" --repeat 5 "$bundle" 2>/dev/null # warm the page cache

# Other jobs share this machine: interleave the tools in rounds and take each one's median round.
rounds=${ROUNDS:-5}
per_round=$(( (runs + rounds - 1) / rounds ))
mean_ms() { jq '.results[0].mean * 1000' "$1"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$work/warm"; : > "$work/crun"; : > "$work/runc"
for round in $(seq "$rounds"); do
  "$ctrun" --repeat "$per_round" "$bundle" 2>&1 | sed -n 's/.*runs, \([0-9.]*\) ms per run/\1/p' >> "$work/warm"
  # crun refuses this hybrid host's cgroup2 mount that holds only hugetlb; hide it in a private mount namespace.
  # There crun takes the bare directory left at /sys/fs/cgroup/unified for one more v1 hierarchy and writes its cgroup
  # tree into /sys/fs/cgroup's tmpfs: remove it in the same namespace.
  unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; hyperfine -N --warmup 2 -r $per_round --export-json $work/crun.json 'crun run -b $bundle ctbench-crun'; status=\$?; [ \"\$(stat -f -c %T /sys/fs/cgroup/unified)\" = tmpfs ] && rm -rf /sys/fs/cgroup/unified/${own_memory_cgroup#/}/$cgroup_leaf; exit \$status" >/dev/null
  mean_ms "$work/crun.json" >> "$work/crun"
  hyperfine -N --warmup 2 -r "$per_round" --export-json "$work/runc.json" "runc run -b $bundle ctbench-runc" >/dev/null
  mean_ms "$work/runc.json" >> "$work/runc"
done
hyperfine -N --warmup 2 -r "$(( per_round < 20 ? per_round : 20 ))" --export-json "$work/cold.json" "$ctrun $bundle" >/dev/null

warm=$(median < "$work/warm")
cold=$(mean_ms "$work/cold.json")
crun_ms=$(median < "$work/crun")
runc_ms=$(median < "$work/runc")
printf '%-44s %8s %10s %10s\n' "bundle -> exited /bin/true ($rounds x $per_round runs)" "ms" "crun/x" "runc/x"
for row in "ContainerLauncher, warm process:$warm" "ctrun, cold .NET process per run:$cold" "crun run:$crun_ms" "runc run:$runc_ms"; do
  name=${row%%:*}; ms=${row##*:}
  printf '%-44s %8.2f %10.2f %10.2f\n' "$name" "$ms" "$(echo "$crun_ms / $ms" | bc -l)" "$(echo "$runc_ms / $ms" | bc -l)"
done
