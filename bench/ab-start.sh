#!/usr/bin/env bash
# Before/after of one change, not a peer comparison: bench/lib/run-phases.ps1 (New-, Start-, Wait-, Remove-Container of
# `true`, warm engine) of another build of this repository (its path: $1, built with its ./build.sh) and of this one,
# interleaved in ROUNDS (default 20) rounds of RUNS (default 10) so the load of other jobs falls on both alike. Prints
# each side's median of round medians and the median of the per-round differences (this build minus the other).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
other=$(cd "${1:?usage: bench/ab-start.sh PATH_OF_THE_OTHER_BUILD}" && pwd)
rounds=${ROUNDS:-20}
runs=${RUNS:-10}
export CONTAINERTOOLS_DEFAULT_NETWORK=none
work=$(mktemp -d /var/tmp/ct-bench-ab.XXXXXX)
cleanup() {
  trap '' INT TERM HUP
  for side in other this; do
    root=$([ "$side" = other ] && echo "$other" || echo "$repo")
    if [ -d "$work/$side/store/containers" ]; then CONTAINERTOOLS_ROOT=$work/$side/store "$root/out/host/ctpwsh" "$repo/bench/lib/remove-all.ps1" >/dev/null 2>&1; fi
  done
  awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP
for round in $(seq "$rounds"); do
  for side in other this; do
    root=$([ "$side" = other ] && echo "$other" || echo "$repo")
    mkdir -p "$work/$side"
    CONTAINERTOOLS_ROOT=$work/$side/store "$root/out/host/ctpwsh" "$root/bench/lib/run-phases.ps1" "$work/$side" "$runs" | sed "s/^/$side /" >> "$work/phases"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $runs"
for phase in New-Container Start-Container Wait-Container Remove-Container; do
  o=$(awk -v p="$phase:" '$1 == "other" && $2 == p { print $3 }' "$work/phases" | median)
  t=$(awk -v p="$phase:" '$1 == "this" && $2 == p { print $3 }' "$work/phases" | median)
  d=$(paste <(awk -v p="$phase:" '$1 == "other" && $2 == p { print $3 }' "$work/phases") \
            <(awk -v p="$phase:" '$1 == "this" && $2 == p { print $3 }' "$work/phases") | awk '{ print $2 - $1 }' | median)
  echo "$phase: other $o ms, this $t ms, per-round difference $d ms"
done
