# Sourced by the container benchmarks (bench/run-container.sh, pause-resume.sh, monitor-rss.sh, scale-200.sh,
# get-container-1000.sh): one work dir per run holding our store and podman's, and a cleanup that leaves nothing.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/bench/lib/pwsh.sh"
own_cgroup=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
peer_cgroup=${own_cgroup%/}/ctbench-peer-$$

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
now_ns() { date +%s%N; }

# Interleaves $rounds rounds of ours and a peer's, so load from other jobs falls on both sides alike.
# $1: a command printing our round's median ms; $2: a command that runs the peer once (timed $per_round times a round).
# Leaves one median per round in $work/ours.ms and $work/peer.ms.
interleave_rounds() {
  : > "$work/ours.ms"; : > "$work/peer.ms"
  local round i start
  for round in $(seq "$rounds"); do
    $1 >> "$work/ours.ms"
    : > "$work/round.ms"
    for i in $(seq "$per_round"); do
      start=$(now_ns)
      $2
      echo $(( ($(now_ns) - start) / 1000 )) | awk '{ print $1 / 1000 }' >> "$work/round.ms"
    done
    median < "$work/round.ms" >> "$work/peer.ms"
  done
}

# crun (alone or under podman) refuses this hybrid host's cgroup2 mount that holds only hugetlb: re-run the script in
# a private mount namespace without it. Our engine runs there too, so both sides see the same mounts.
enter_private_mounts() {
  if [ -z "${CTBENCH_PRIVATE_MOUNTS:-}" ]; then
    CTBENCH_PRIVATE_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
  fi
  if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
}

make_work() {
  work=$(mktemp -d "/var/tmp/ct-bench-$1.XXXXXX")
  store=$work/store
  export CONTAINERTOOLS_ROOT=$store
  mkdir -p "$work/podman/tmp"
  network_before=$(network_state)
  host_before=$(mktemp /var/tmp/ct-bench-host.XXXXXX)
  "$repo/scripts/host-state.sh" snapshot "$host_before"
  trap cleanup_work EXIT
  trap "exit 130" INT TERM HUP
}

# The run's ctmon processes: their command line names a container directory in our store.
monitor_pids() { pgrep -f "ctmon --monitor $store/" || true; }

# podman with a private store; rlimits pinned because its defaults (nproc/nofile above this sandbox's hard limits)
# make crun fail with EPERM here; --network none so it creates no netavark or iptables state.
pod() {
  podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver vfs --tmpdir "$work/podman/tmp" \
    --events-backend none --cgroup-manager cgroupfs "$@"
}
pod_run_flags=(--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --cgroup-parent "$peer_cgroup")

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Proportional set size: shared pages (the binary's text, libc) split among the processes mapping them.
pss_kb() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }

# Links podman's networks would add and netavark's iptables rules (other jobs on this machine add veths of their own).
network_state() { ip -o link show 2>/dev/null | grep -oE '^[0-9]+: podman[^:@]*' | sed 's/^[0-9]*: //'; iptables-save 2>/dev/null | grep -ci netavark || true; }

cleanup_work() {
  local status=$?
  # A second signal must not cut the cleanup short.
  trap '' INT TERM HUP
  set +e
  if [ -d "$store/containers" ]; then bench_pwsh "$repo/bench/lib/remove-all.ps1" >/dev/null 2>&1; fi
  # A bench that runs containers on the default network leaves its bridge and the network's iptables rules
  # (CT-MASQ-, CT-FWD-, CT-MARK-) on the host until the network is removed: remove it before the store goes.
  if [ -d "$store/networks" ]; then bench_pwsh "$repo/bench/lib/remove-networks.ps1" >/dev/null 2>&1; fi
  for pid in $(monitor_pids); do kill -KILL "$pid"; done
  if [ -d "$work/podman/root" ]; then
    pod rm -af -t 0 >/dev/null 2>&1
    pod rmi -af >/dev/null 2>&1
    # conmon runs `podman container cleanup` after its container exits: wait for those to finish with the store.
    for i in $(seq 100); do pgrep -f "$work/podman/" >/dev/null || break; sleep 0.1; done
  fi
  for id in ${crun_ids:-}; do crun delete -f "$id" >/dev/null 2>&1; done
  # With the cgroup2 mount hidden, crun takes the bare directory left at /sys/fs/cgroup/unified for one more v1
  # hierarchy and writes its cgroup tree into /sys/fs/cgroup's tmpfs there (hidden from the host's namespace).
  if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = tmpfs ]; then rm -rf "/sys/fs/cgroup/unified/${peer_cgroup#/}"; fi
  for i in $(seq 50); do
    find /sys/fs/cgroup/*/"${peer_cgroup#/}" -depth -type d -exec rmdir {} + 2>/dev/null
    compgen -G "/sys/fs/cgroup/*/${peer_cgroup#/}" >/dev/null || break
    sleep 0.1
  done
  awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
  rm -rf "$work"
  if [ -e "$work" ]; then echo "warning: could not remove $work" >&2; fi
  if compgen -G "/sys/fs/cgroup/*/${peer_cgroup#/}" >/dev/null; then echo "warning: cgroup $peer_cgroup is left" >&2; fi
  if [ "$(network_state)" != "$network_before" ]; then echo "warning: network links or netavark iptables rules changed during the run" >&2; fi
  "$repo/scripts/host-state.sh" check "$host_before" | sed 's/^/warning: /' >&2
  rm -f "$host_before"
  exit $status
}
