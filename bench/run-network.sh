#!/usr/bin/env bash
# `Invoke-ContainerImage bench/busybox -Publish 127.0.0.1::8080 -RemoveAutomatically -Command true` on our default
# "bridge" network (CNI bridge + portmap + firewall) in a warm hosted engine, against
# `podman run --rm -p 127.0.0.1::8080 ... true` on a netavark bridge network, in the same run.
# podman's network is its own (podman network create in a private --network-config-dir, same driver and firewall
# as podman's default "podman" network): the host already has a podman0 left by other jobs, and netavark's teardown
# of the default network would delete that bridge and its rules, which are not ours.
# ROUNDS (default 3) interleaved rounds of RUNS/ROUNDS runs each (RUNS default 30); each side's number is the median
# of its round medians. Goal: ours <= 0.3x podman's time.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
unset CONTAINERTOOLS_DEFAULT_NETWORK
runs=${RUNS:-30}
rounds=${ROUNDS:-3}
per_round=$(( (runs + rounds - 1) / rounds ))
publish=127.0.0.1::8080
ulimit -n 20000

link_names() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort; }
rule_count() { iptables-save 2>/dev/null | grep -c "$1" || true; }
links_before=$(link_names)
netavark_before=$(rule_count NETAVARK)
cni_before=$(rule_count CNI)

podnet=ctbench-$$
podn() { pod --network-config-dir "$work/podman/networks" "$@"; }
[ "${pod_run_flags[*]:0:2}" = "--network none" ] || { echo "bench/lib/common.sh: pod_run_flags changed" >&2; exit 1; }
pod_net_flags=(--network "$podnet" -p "$publish" "${pod_run_flags[@]:2}")

cleanup_network() {
  set +e
  if [ -d "$store" ]; then bench_pwsh "$repo/bench/lib/remove-networks.ps1" >/dev/null 2>&1 || echo "warning: Remove-ContainerNetwork failed" >&2; fi
  if [ -d "$work/podman/root" ]; then
    podn rm -af -t 0 >/dev/null 2>&1
    for i in $(seq 100); do pgrep -f "$work/podman/" >/dev/null || break; sleep 0.1; done
    podn network rm -f "$podnet" >/dev/null 2>&1
  fi
}
check_network() {
  local links_after netavark_after cni_after
  links_after=$(link_names)
  netavark_after=$(rule_count NETAVARK)
  cni_after=$(rule_count CNI)
  if [ "$links_after" != "$links_before" ]; then
    echo "warning: links differ after the run: $(comm -3 <(echo "$links_before") <(echo "$links_after") | tr -s '\t\n' '  ')" >&2
  fi
  if [ "$netavark_after" != "$netavark_before" ]; then echo "warning: NETAVARK iptables lines $netavark_before before, $netavark_after after" >&2; fi
  if [ "$cni_after" != "$cni_before" ]; then echo "warning: CNI iptables lines $cni_before before, $cni_after after" >&2; fi
}
make_work network
trap 'status=$?; cleanup_network; check_network; (exit $status); cleanup_work' EXIT
mkdir -p "$work/podman/networks"

bench_pwsh "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" 1 "$publish" >/dev/null
pod load -q -i "$work/busybox.docker.tar" >/dev/null
podn network create --driver bridge --disable-dns "$podnet" >/dev/null
for i in 1 2; do podn run --rm "${pod_net_flags[@]}" bench/busybox:latest true; done
our_round() { bench_pwsh "$repo/bench/lib/run-container.ps1" "$work" "$work/busybox.docker.tar" "$per_round" "$publish"; }
podman_once() { podn run --rm "${pod_net_flags[@]}" bench/busybox:latest true; }
interleave_rounds our_round podman_once
ours=$(median < "$work/ours.ms")
theirs=$(median < "$work/peer.ms")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "podman network: $podnet, netavark bridge $(podn network inspect -f '{{.NetworkInterface}} {{range .Subnets}}{{.Subnet}}{{end}}' "$podnet")"
echo "Invoke-ContainerImage -Publish $publish (bridge) true: $ours ms (median of $rounds x $per_round, warm engine; rounds: $(paste -sd" " "$work/ours.ms"))"
echo "podman run --rm -p $publish (netavark) true:        $theirs ms (median of $rounds x $per_round; rounds: $(paste -sd" " "$work/peer.ms"))"
echo "ratio: $(ratio "$ours" "$theirs")x (goal <= 0.3x)"
# Where our time goes (not part of the ratio): the same run without a network, on the bridge, and with the port.
echo "our costs (median of 10 each, warm engine):"
bench_pwsh "$repo/bench/lib/network-costs.ps1" "$work" 10 "$publish" | sed 's/^/  /'
