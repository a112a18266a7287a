#!/usr/bin/env bash
# Pull of a debootstrap-sized image (about 90 MB unpacked, one gzip layer) from a local registry into an empty store:
# Request-ContainerImage in a warm hosted engine against, in the same run, `podman pull` into an empty private vfs
# store and `skopeo copy docker://... oci:DIR` plus `tar -xzf` of its layer. Interleaved rounds with `sync` between
# them; median and best per tool, and the ratios. Needs ./build.sh first. ROUNDS (default 3).
# KEEP_STORES=1 keeps every tool's store until the end of the run instead of deleting it right after its round: this
# machine's root is ext4 without a journal, where creating files next to ones deleted in the last ~30 s costs a scan
# per inode, so by default each tool also pays for the deletion before it (ours avoids most of that; see
# docs/storage.md), and KEEP_STORES=1 shows the tools without that effect.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
keep=${KEEP_STORES:-0}
discard() { [ "$keep" = 1 ] || rm -rf "$@"; }
[ -x out/pwsh/pwsh ] && [ -d out/ContainerTools ] || { echo "run ./build.sh first" >&2; exit 1; }
. bench/lib/pwsh.sh
. bench/lib/debian-archive.sh
echo "archive: $(du -h "$archive" | cut -f1)"

work=$(mktemp -d /var/tmp/ct-bench-pull.XXXXXX)
registry_pid=
# podman refuses this hybrid host's cgroup2 mount that holds only hugetlb: it runs where that mount is hidden.
podman_ns() { unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; ulimit -n 20000; $1"; }
podman_at() { echo "podman --root $1/root --runroot $1/run --storage-driver vfs --tmpdir $1/tmp --events-backend none"; }
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  for store in "$work"/podman-*/; do
    [ -d "$store/root" ] && podman_ns "$(podman_at "${store%/}") rmi -a -f" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A Distribution registry on a free loopback port, storage in the work directory.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/registry"
cat > "$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: containertools-bench
YAML
/usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/v2/" >/dev/null || { echo "docker-registry did not start:" >&2; cat "$work/registry.log" >&2; exit 1; }
image=127.0.0.1:$port/bench/debian:bookworm
skopeo copy -q --dest-tls-verify=false "oci-archive:$archive" "docker://$image" >/dev/null
echo "registry: $image"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ours=(); podman_ms=(); skopeo_ms=()
for i in $(seq "$rounds"); do
  # Flush earlier rounds' dirty pages so one round's writeback is not billed to the next.
  sync
  store=$(mktemp -d "$work/ours.XXXXXX")
  ours+=("$(CONTAINERTOOLS_ROOT=$store bench_pwsh bench/request-image.ps1 "$image" | tail -1)")
  discard "$store"

  sync
  store=$work/podman-$i
  mkdir -p "$store/tmp"
  start=$(now_ms)
  podman_ns "$(podman_at "$store") pull -q --tls-verify=false $image" >/dev/null
  end=$(now_ms)
  podman_ms+=("$(( end - start ))")
  if [ "$keep" != 1 ]; then
    podman_ns "$(podman_at "$store") rmi -a -f" >/dev/null 2>&1 || true
    rm -rf "$store"
  fi

  sync
  peer=$(mktemp -d "$work/skopeo.XXXXXX")
  start=$(now_ms)
  skopeo copy -q --src-tls-verify=false "docker://$image" "oci:$peer/oci:bench" >/dev/null
  manifest=$(jq -r '.manifests[0].digest' "$peer/oci/index.json" | sed 's/sha256://')
  layer=$(jq -r '.layers[0].digest' "$peer/oci/blobs/sha256/$manifest" | sed 's/sha256://')
  mkdir "$peer/rootfs"
  tar -C "$peer/rootfs" -xzf "$peer/oci/blobs/sha256/$layer"
  end=$(now_ms)
  skopeo_ms+=("$(( end - start ))")
  discard "$peer"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
best() { sort -n | head -n1; }
report() {
  local name=$1; shift
  printf '%-24s median %6s ms, best %6s ms (rounds: %s)\n' "$name" "$(printf '%s\n' "$@" | median)" "$(printf '%s\n' "$@" | best)" "$*"
}
report "Request-ContainerImage:" "${ours[@]}"
report "podman pull (vfs):" "${podman_ms[@]}"
report "skopeo copy + tar -xzf:" "${skopeo_ms[@]}"
o=$(printf '%s\n' "${ours[@]}" | median)
p=$(printf '%s\n' "${podman_ms[@]}" | median)
s=$(printf '%s\n' "${skopeo_ms[@]}" | median)
ob=$(printf '%s\n' "${ours[@]}" | best)
pb=$(printf '%s\n' "${podman_ms[@]}" | best)
sb=$(printf '%s\n' "${skopeo_ms[@]}" | best)
awk -v o="$o" -v p="$p" -v s="$s" -v ob="$ob" -v pb="$pb" -v sb="$sb" 'BEGIN {
  printf "ours/podman: %.2fx of medians, %.2fx of bests (goal <= 0.3x)\n", o / p, ob / pb
  printf "ours/(skopeo+tar): %.2fx of medians, %.2fx of bests (goal <= 1.0x)\n", o / s, ob / sb
}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)$([ "$keep" = 1 ] && echo ', stores kept until the end')"
