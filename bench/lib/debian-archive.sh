# Shared by the image benchmarks: the debootstrap-sized OCI archive, built once and cached.
# Source from the repository root after bench/lib/pwsh.sh; sets $cache and $archive.
cache=${BENCH_CACHE:-/var/tmp/containertools-bench}
mkdir -p "$cache"
archive=$cache/debian.oci.tar

if [ ! -f "$archive" ]; then
  rootfs=$cache/rootfs
  if [ ! -d "$rootfs/usr" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    # The mirror this machine's apt already uses (deb822 sources first, then the classic list).
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >/dev/null
  fi
  tar -C "$rootfs" -czf "$cache/rootfs.tar.gz" .
  CONTAINERTOOLS_ROOT=$cache/make-store bench_pwsh bench/make-archive.ps1 "$cache/rootfs.tar.gz" "$archive" >/dev/null
  rm -rf "$cache/make-store"
fi
