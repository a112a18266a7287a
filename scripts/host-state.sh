#!/usr/bin/env bash
# The host objects a container engine can leave behind, written down so that a run can prove it left none.
#
#   scripts/host-state.sh snapshot FILE          write the host's state to FILE
#   scripts/host-state.sh compare BEFORE AFTER   name every difference; status 1 if there is one
#   scripts/host-state.sh check BEFORE           snapshot now and compare, retrying for a few seconds while
#                                                monitors and plugins finish exiting; status 1 if something stayed
#
# One line per object, "KIND identity": links (name, kind), iptables and ip6tables chains and rules of every table
# (iptables-save without counters), nftables tables and chains other than iptables-nft's own, mounts
# (/proc/self/mountinfo: type, source, mount point), /run/netns entries, CNI state outside any store (/var/lib/cni,
# /run/cni), cgroups named containertools (and what is beneath them) and beneath the caller's own cgroups, and the
# processes an engine leaves: monitors, runtimes, registries, CNI plugins, and anything running in another pid
# namespace or in a containertools cgroup (container programs). (Another mount namespace alone is no sign: systemd
# services with PrivateTmp have one.) The snapshotting shell and its ancestors are never listed.
set -uo pipefail
export LC_ALL=C PATH=/usr/local/sbin:/usr/sbin:/sbin:$PATH

# Programs that run containers or serve them (and the shells and terminals tests drive them with); a new one after a
# run was started by it and not stopped.
engine_programs='^(ctmon|ctinit|pwsh|ctpwsh|tmux.*|conmon|crun|runc|podman|buildah|docker-registry|registry|tini|catatonit|netavark|aardvark-dns|slirp4netns|pasta|bridge|portmap|host-local|firewall|loopback|skopeo|umoci)$'

links() {
  ip -j -d link show 2>/dev/null | jq -r '.[] | "link \(.ifname) \(.linkinfo.info_kind // "device")"'
}

# iptables-save's chains and rules without counters, per table: "iptables -t nat chain NAME", "iptables -t nat rule -A ...".
tables_of() {
  local save=$1 family=$2
  command -v "$save" >/dev/null || return 0
  "$save" 2>/dev/null | awk -v family="$family" '
    /^\*/ { table = substr($0, 2); next }
    # A built-in chain (policy ACCEPT or DROP; user chains have "-") counts only when its policy is not the
    # default: iptables-nft makes a table with its empty built-in chains the first time anything touches it.
    /^:/ { name = substr($1, 2)
           if ($2 == "-") print family " -t " table " chain " name
           else if ($2 != "ACCEPT") print family " -t " table " policy " name " " $2
           next }
    /^-A / { print family " -t " table " rule " $0 }'
}

# nftables tables and chains that iptables-nft does not manage (those appear above as iptables lines).
nft_objects() {
  command -v nft >/dev/null || return 0
  nft -j list chains 2>/dev/null | jq -r '.nftables[]? | select(.chain) | .chain
    | select(((.family == "ip" or .family == "ip6") and (.table | test("^(filter|nat|mangle|raw|security)$"))) | not)
    | "nft chain \(.family) \(.table) \(.name)"' 2>/dev/null
  nft -j list tables 2>/dev/null | jq -r '.nftables[]? | select(.table) | .table
    | select(((.family == "ip" or .family == "ip6") and (.name | test("^(filter|nat|mangle|raw|security)$"))) | not)
    | "nft table \(.family) \(.name)"' 2>/dev/null
}

# Mount points are octal-escaped in mountinfo (\040 for a space); kept as they are, they stay one word.
mounts() {
  awk '{ for (i = 7; $i != "-"; i++) ; print "mount " $(i + 1) " " $(i + 2) " on " $5 }' /proc/self/mountinfo
}

named_files() {
  local dir
  for dir in /run/netns; do
    [ -d "$dir" ] && find "$dir" -mindepth 1 -maxdepth 1 -printf "netns %p\n"
  done
  for dir in /var/lib/cni /run/cni; do
    [ -d "$dir" ] && find "$dir" -mindepth 1 -printf "cni-state %p\n"
  done
}

# Cgroups an engine makes: containertools directories anywhere, and anything beneath the caller's own cgroups
# (containers given a CgroupParent there, peers' cgroups).
cgroups() {
  local controller path mount
  find /sys/fs/cgroup -maxdepth 8 -type d \( -name containertools -o -path '*/containertools/*' \) -printf "cgroup %p\n" 2>/dev/null
  while IFS=: read -r _ controller path; do
    [ "$path" = / ] && continue
    controller=${controller#name=}
    mount=/sys/fs/cgroup/${controller:-unified}
    [ -z "$controller" ] && [ -f /sys/fs/cgroup/cgroup.controllers ] && mount=/sys/fs/cgroup
    [ -d "$mount$path" ] && find "$mount$path" -mindepth 1 -maxdepth 4 -type d -printf "cgroup %p\n" 2>/dev/null
  done < /proc/self/cgroup
}

# "process PID.STARTTIME COMM ARGS": the start time (field 22 of stat) tells a reused pid from the one seen before.
processes() {
  local own_pidns ancestors pid stat comm start ppid args p
  own_pidns=$(readlink /proc/self/ns/pid)
  ancestors=" "
  p=$$
  while [ "$p" -gt 1 ] 2>/dev/null; do
    ancestors+="$p "
    p=$(awk '{ print $4 }' "/proc/$p/stat" 2>/dev/null) || break
  done
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}; pid=${pid%/stat}
    [ "$pid" = "$BASHPID" ] && continue
    case "$ancestors" in *" $pid "*) continue ;; esac
    read -r stat 2>/dev/null < "$stat" || continue
    comm=${stat#*(}; comm=${comm%)*}
    set -- ${stat##*) }
    ppid=$2; start=${20}
    [ "$ppid" = 2 ] || [ "$pid" = 2 ] && continue   # kernel threads
    args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || continue
    [ -z "$args" ] && continue
    if [[ $comm =~ $engine_programs ]] \
      || [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" != "$own_pidns" ] \
      || grep -q containertools "/proc/$pid/cgroup" 2>/dev/null; then
      echo "process $pid.$start $comm ${args% }"
    fi
  done
}

snapshot() {
  {
    links
    tables_of iptables-save iptables
    tables_of ip6tables-save ip6tables
    nft_objects
    mounts
    named_files
    cgroups
    processes
  } | sort -u > "$1"
}

# What a line of the snapshot is, in words, with the mark the engine gave it where it has one.
describe() {
  local kind rest name
  kind=${1%% *}; rest=${1#* }
  case "$kind" in
    link)
      name=${rest%% *}
      local alias
      alias=$(cat "/sys/class/net/$name/ifalias" 2>/dev/null)
      echo "link $name (${rest#* }${alias:+, alias \"$alias\"})" ;;
    iptables|ip6tables)
      echo "$kind ${rest/ chain / chain }" ;;
    process)
      local id=${rest%% *}
      echo "process ${id%%.*} (${rest#* })" ;;
    *) echo "$1" ;;
  esac
}

compare() {
  local before=$1 after=$2 changed=0 line
  while IFS= read -r line; do
    echo "left behind: $(describe "$line")"; changed=1
  done < <(comm -13 "$before" "$after")
  while IFS= read -r line; do
    echo "removed (was there before): $(describe "$line")"; changed=1
  done < <(comm -23 "$before" "$after")
  return $changed
}

# Monitors and plugins may still be exiting when a run's last command returns: give them a few seconds.
check() {
  local before=$1 after
  after=$(mktemp)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    snapshot "$after"
    cmp -s "$before" "$after" && break
    sleep 1
  done
  compare "$before" "$after"
  local status=$?
  rm -f "$after"
  return $status
}

case "${1:-}" in
  snapshot) [ $# -eq 2 ] || { echo "usage: $0 snapshot FILE" >&2; exit 2; }; snapshot "$2" ;;
  compare) [ $# -eq 3 ] || { echo "usage: $0 compare BEFORE AFTER" >&2; exit 2; }; compare "$2" "$3" ;;
  check) [ $# -eq 2 ] || { echo "usage: $0 check BEFORE" >&2; exit 2; }; check "$2" ;;
  *) echo "usage: $0 snapshot FILE | compare BEFORE AFTER | check BEFORE" >&2; exit 2 ;;
esac
