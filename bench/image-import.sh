#!/usr/bin/env bash
# Import of a debootstrap-sized image (about 90 MB unpacked) into an empty store, against the same work done by
# peers in the same run: `skopeo copy` of the archive to an OCI directory plus `tar -xzf` of its layer.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
. bench/lib/pwsh.sh
. bench/lib/debian-archive.sh
echo "archive: $(du -h "$archive" | cut -f1)"

best() { sort -n | head -n1; }
ours=()
peers=()
for i in $(seq "$rounds"); do
  # Flush earlier rounds' dirty pages so one round's writeback is not billed to the next.
  sync
  store=$(mktemp -d /var/tmp/ct-bench-store.XXXXXX)
  ours+=("$(CONTAINERTOOLS_ROOT=$store bench_pwsh bench/import-archive.ps1 "$archive")")
  rm -rf "$store"

  sync
  work=$(mktemp -d /var/tmp/ct-bench-peer.XXXXXX)
  start=$(date +%s%N)
  skopeo copy -q "oci-archive:$archive" "oci:$work/oci:bench" >/dev/null
  layer=$(jq -r '.manifests[0].digest' "$work/oci/index.json" | sed 's/sha256://')
  layer=$(jq -r '.layers[0].digest' "$work/oci/blobs/sha256/$layer" | sed 's/sha256://')
  mkdir "$work/rootfs"
  tar -C "$work/rootfs" -xzf "$work/oci/blobs/sha256/$layer"
  end=$(date +%s%N)
  peers+=("$(( (end - start) / 1000000 ))")
  rm -rf "$work"
done
o=$(printf '%s\n' "${ours[@]}" | best)
p=$(printf '%s\n' "${peers[@]}" | best)
echo "Import-ContainerImage: ${o} ms (best of $rounds: ${ours[*]})"
echo "skopeo copy + tar -xzf: ${p} ms (best of $rounds: ${peers[*]})"
awk -v o="$o" -v p="$p" 'BEGIN { printf "ratio: %.2fx (goal <= 1.0x)\n", o / p }'
