#!/usr/bin/env bash
# Get-Container over COUNT (default 1000) created containers in a warm hosted engine: median of 5 calls.
# Goal: under 300 ms.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
count=${COUNT:-1000}
make_work getcontainer

bench_pwsh "$repo/bench/lib/get-container.ps1" "$work" "$count" > "$work/out"
{ read -r create_ms; read -r get_ms; read -r seen; read -r remove_ms; } < "$work/out"
left=$(ls "$store/containers" | wc -l)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "New-Container x $count: $create_ms ms; Get-Container | Remove-Container -Force: $remove_ms ms; left: $left"
echo "Get-Container over $seen containers: $get_ms ms (median of 5, warm engine)"
awk -v ms="$get_ms" 'BEGIN { print (ms < 300) ? "under 300 ms: yes" : "under 300 ms: NO" }'
[ "$seen" = "$count" ] && [ "$left" = 0 ]
