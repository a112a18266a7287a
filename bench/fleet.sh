#!/usr/bin/env bash
# A fleet with its sessions open: Get-Container -Session and Invoke-ContainerImage -Session (busybox `true`, removed
# after) over 1, 4 and 8 hosts (sshd instances on 127.0.0.2-.9, each with its own store of RUNS_CONTAINERS, default 20,
# created containers); median of RUNS (default 7) calls each. Invoke-Command -Session { Get-Container } over the same
# hosts is the reference (PowerShell's own fan-out, no rehydration). Goal: 8 hosts <= 2x one host.
set -euo pipefail
source "$(dirname "$0")/lib/pwsh.sh"
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bench_pwsh "$repo/bench/lib/fleet.ps1" -Runs "${RUNS:-7}" -Containers "${RUNS_CONTAINERS:-20}" > "$out"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
ms() { awk -v w="$1" -v n="$2" '$1 == w && $2 == n { print $3 }' "$out"; }
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
done
