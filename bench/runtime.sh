#!/usr/bin/env bash
# bundle -> exited /bin/true on one busybox bundle with runc's default spec (6 namespaces, masked/readonly paths, a
#   read-only root): `ctrun run` (NativeAOT, a cold process per run), `crun run` and `runc run`, each creating and
#   removing a cgroup beneath this shell's own per run. Prints the median of ROUNDS interleaved rounds (default 5) of
#   RUNS/ROUNDS runs each (RUNS default 100) and the ratios.
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
  [ -x "${ctrun:-}" ] && "$ctrun" --root "$work/ctrun-root" delete -f ctbench-ctrun >/dev/null 2>&1 || true
  cgroup_candidates | sort -r | while read -r dir; do
    [ -d "$dir" ] && ! grep -qxF "$dir" <<<"$existing_cgroups" && rmdir "$dir" 2>/dev/null || true
  done
  rm -rf "$work"
}
work=$(mktemp -d /tmp/ct-bench-runtime.XXXXXX)
trap cleanup EXIT

ctrun=$repo/out/ContainerTools/ctrun
if [ ! -x "$ctrun" ]; then echo "run ./build.sh first: $ctrun is missing" >&2; exit 1; fi

bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$bundle/rootfs/bin/"
for applet in sh true; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$bundle/rootfs/etc/passwd"
"$ctrun" spec --bundle "$bundle"
# All three: a cgroup beneath ours (the memory hierarchy is the one this session is confined to).
jq --arg path "${own_memory_cgroup%/}/$cgroup_leaf" '.linux.cgroupsPath = $path | .process.terminal = false | .process.args = ["/bin/true"]' \
  "$bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$bundle/config.json"
run_ctrun="$ctrun --root $work/ctrun-root run -b $bundle ctbench-ctrun"
$run_ctrun # warm the page cache

# Other jobs share this machine: interleave the tools in rounds and take each one's median round.
rounds=${ROUNDS:-5}
per_round=$(( (runs + rounds - 1) / rounds ))
mean_ms() { jq '.results[0].mean * 1000' "$1"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$work/ctrun"; : > "$work/crun"; : > "$work/runc"
for round in $(seq "$rounds"); do
  hyperfine -N --warmup 2 -r "$per_round" --export-json "$work/ctrun.json" "$run_ctrun" >/dev/null
  mean_ms "$work/ctrun.json" >> "$work/ctrun"
  # crun refuses this hybrid host's cgroup2 mount that holds only hugetlb; hide it in a private mount namespace.
  # There crun takes the bare directory left at /sys/fs/cgroup/unified for one more v1 hierarchy and writes its cgroup
  # tree into /sys/fs/cgroup's tmpfs: remove it in the same namespace.
  unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; hyperfine -N --warmup 2 -r $per_round --export-json $work/crun.json 'crun run -b $bundle ctbench-crun'; status=\$?; [ \"\$(stat -f -c %T /sys/fs/cgroup/unified)\" = tmpfs ] && rm -rf /sys/fs/cgroup/unified/${own_memory_cgroup#/}/$cgroup_leaf; exit \$status" >/dev/null
  mean_ms "$work/crun.json" >> "$work/crun"
  hyperfine -N --warmup 2 -r "$per_round" --export-json "$work/runc.json" "runc run -b $bundle ctbench-runc" >/dev/null
  mean_ms "$work/runc.json" >> "$work/runc"
done

ctrun_ms=$(median < "$work/ctrun")
crun_ms=$(median < "$work/crun")
runc_ms=$(median < "$work/runc")
printf '%-44s %8s %10s %10s\n' "bundle -> exited /bin/true ($rounds x $per_round runs)" "ms" "crun/x" "runc/x"
for row in "ctrun run (NativeAOT, cold process):$ctrun_ms" "crun run:$crun_ms" "runc run:$runc_ms"; do
  name=${row%%:*}; ms=${row##*:}
  printf '%-44s %8.2f %10.2f %10.2f\n' "$name" "$ms" "$(echo "$crun_ms / $ms" | bc -l)" "$(echo "$runc_ms / $ms" | bc -l)"
done
