#!/usr/bin/env bash
# Suspend-Container + Resume-Container of a running `sleep 300` container in a warm hosted engine (median of PAIRS
# pairs, default 50) against `crun pause` + `crun resume` of a detached `crun run -d` container of the same rootfs.
# Both freeze through the cgroup v1 freezer here. Other jobs share this machine: ROUNDS (default 5) interleaved rounds
# of PAIRS/ROUNDS pairs each; each side's number is the median of its round medians.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
pairs=${PAIRS:-50}
rounds=${ROUNDS:-5}
per_round=$(( (pairs + rounds - 1) / rounds ))
make_work pause

bench_pwsh "$repo/bench/lib/pause-resume.ps1" "$work" 1 >/dev/null

bundle=$work/bundle
mkdir -p "$bundle"
cp -a "$work/busybox-rootfs" "$bundle/rootfs"
(cd "$bundle" && crun spec)
jq --arg path "$peer_cgroup" '.process.terminal = false | .process.args = ["sleep", "300"] | .linux.cgroupsPath = $path' \
  "$bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$bundle/config.json"
crun_ids=ctbench-pause-$$
crun run -d -b "$bundle" "$crun_ids" </dev/null >/dev/null 2>&1
for i in 1 2 3; do crun pause "$crun_ids"; crun resume "$crun_ids"; done
our_round() { bench_pwsh "$repo/bench/lib/pause-resume.ps1" "$work" "$per_round"; }
crun_pair() { crun pause "$crun_ids"; crun resume "$crun_ids"; }
interleave_rounds our_round crun_pair
ours=$(median < "$work/ours.ms")
[ "$(crun state "$crun_ids" | jq -r .status)" = running ] || { echo "crun container not running after resume" >&2; exit 1; }
theirs=$(median < "$work/peer.ms")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Suspend-Container + Resume-Container: $ours ms (median of $rounds x $per_round pairs, warm engine; rounds: $(paste -sd" " "$work/ours.ms"))"
echo "crun pause + crun resume:             $theirs ms (median of $rounds x $per_round pairs; rounds: $(paste -sd" " "$work/peer.ms"))"
echo "ratio: $(ratio "$ours" "$theirs")x"
