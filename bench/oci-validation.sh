#!/usr/bin/env bash
# The OCI runtime-tools validation suite (an external test suite, not part of this repository) against ctrun, crun and
# runc in one run: builds it offline into a temp directory with Debian's Go and runtime-tools packages (see the suite's
# README), runs every validation/NAME test with RUNTIME set to each runtime (each with its own --root), and prints the
# `ok` / `not ok` counts per test and in total, side by side. TESTS="hooks_stdin state" runs only those.
#   SUITE: the suite's archive (default /work/shared/oci-runtime-tools/runtime-tools-0105384.tar.xz)
#   CTRUN: the ctrun to test (default out/ContainerTools/ctrun); RUNTIMES="ctrun crun" picks the runtimes.
#   KEEP=1 keeps the temp directory (TAP output per runtime and test in $work/tap/RUNTIME/NAME.tap).
# Everything runs inside `unshare -m -i` (a runtime that fails linux_ns_itype could leave mounts behind otherwise); crun
# also without /sys/fs/cgroup/unified, which it refuses on this hybrid host. The cgroups the tests create
# (/cgrouptest, and testdir/cgrouptest beneath this shell's cgroup) are removed afterwards unless they existed before.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
suite=${SUITE:-/work/shared/oci-runtime-tools/runtime-tools-0105384.tar.xz}
ctrun=${CTRUN:-$repo/out/ContainerTools/ctrun}  # CTRUN: another build of it (ctinit beside it)
for need in go busybox jq unshare; do
  command -v "$need" >/dev/null || { echo "oci-validation: '$need' is missing (apt-get install golang-go golang-github-opencontainers-runtime-tools-dev golang-github-google-uuid-dev busybox-static jq)" >&2; exit 1; }
done
[ -d /usr/share/gocode/src/github.com/opencontainers/runtime-tools ] || { echo "oci-validation: apt-get install golang-github-opencontainers-runtime-tools-dev golang-github-google-uuid-dev" >&2; exit 1; }
[ -f "$suite" ] || { echo "oci-validation: the suite's archive $suite is missing (set SUITE)" >&2; exit 1; }
[ -x "$ctrun" ] || { echo "oci-validation: run ./build.sh first ($ctrun is missing)" >&2; exit 1; }
runtimes=${RUNTIMES:-ctrun crun runc}

work=$(mktemp -d /tmp/ct-oci-validation.XXXXXX)
own_cgroups=$(cat /proc/self/cgroup)
cgroup_candidates() {
  local hierarchy relative
  for hierarchy in /sys/fs/cgroup/*/; do
    hierarchy=${hierarchy%/}
    echo "$hierarchy/cgrouptest"
    relative=$(awk -F: -v h="$(basename "$hierarchy")" '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (c[i] == h || c[i] == "name=" h) print $3 }' <<<"$own_cgroups" | head -1)
    if [ -n "$relative" ]; then echo "$hierarchy${relative%/}/testdir/cgrouptest"; echo "$hierarchy${relative%/}/testdir"; fi
  done
}
existing_cgroups=$(cgroup_candidates | while read -r dir; do if [ -d "$dir" ]; then echo "$dir"; fi; done)
cleanup() {
  cgroup_candidates | while read -r dir; do
    if [ -d "$dir" ] && ! grep -qxF "$dir" <<<"$existing_cgroups"; then find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  if [ -z "${KEEP:-}" ]; then rm -rf --one-file-system "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

# Build (GOPATH mode against /usr/share/gocode; the Go build cache makes a second run quick).
src=$work/gopath/src/github.com/opencontainers/runtime-tools
mkdir -p "$src"
tar -C "$src" -xJf "$suite"
export GOPATH=$work/gopath:/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=${GOCACHE:-$HOME/.cache/go-build}
(
  cd "$src"
  go build -o oci-runtime-tool ./cmd/oci-runtime-tool
  go build -tags "netgo osusergo" -ldflags "-extldflags -static" -o runtimetest ./cmd/runtimetest
)
tests=$(echo ${TESTS:-$(cd "$src/validation" && for d in */; do if [ "$d" != util/ ]; then echo "${d%/}"; fi; done)})
for name in $tests; do (cd "$src" && go build -o "validation/$name/$name.t" "./validation/$name"); done

# The busybox root the tests unpack into each bundle.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,etc,dev,proc,sys,tmp,usr/bin,usr/sbin}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list-full); do
  [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
tar -C "$rootfs" --owner=0 --group=0 -czf "$src/rootfs-amd64.tar.gz" .

# One wrapper per runtime: its own state root.
mkdir -p "$work/bin"
for runtime in $runtimes; do
  binary=$runtime
  [ "$runtime" = ctrun ] && binary=$ctrun
  printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$binary" "$work/state/$runtime" > "$work/bin/$runtime"
  chmod +x "$work/bin/$runtime"
  mkdir -p "$work/tap/$runtime" "$work/state/$runtime"
done

for runtime in $runtimes; do
  hide_unified=""
  [ "$runtime" = crun ] && hide_unified="umount /sys/fs/cgroup/unified 2>/dev/null || true;"
  unshare -m -i sh -c "$hide_unified
    cd '$src'
    for name in $tests; do
      RUNTIME='$work/bin/$runtime' timeout 300 ./validation/\$name/\$name.t > '$work/tap/$runtime/'\$name.tap 2>&1 || true
    done
    [ \"\$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)\" = tmpfs ] && rm -rf /sys/fs/cgroup/unified/cgrouptest /sys/fs/cgroup/unified/testdir
    true"
done

count() { grep -E "^$2( |$)" "$1" 2>/dev/null | grep -vc '# SKIP' || true; }
printf '%-40s' "test"; for runtime in $runtimes; do printf ' %14s' "$runtime ok/not"; done; echo
declare -A ok_total not_total
for runtime in $runtimes; do ok_total[$runtime]=0; not_total[$runtime]=0; done
for name in $tests; do
  printf '%-40s' "$name"
  for runtime in $runtimes; do
    ok=$(count "$work/tap/$runtime/$name.tap" "ok")
    not=$(count "$work/tap/$runtime/$name.tap" "not ok")
    ok_total[$runtime]=$(( ${ok_total[$runtime]} + ok ))
    not_total[$runtime]=$(( ${not_total[$runtime]} + not ))
    printf ' %14s' "$ok/$not"
  done
  echo
done
printf '%-40s' "TOTAL"; for runtime in $runtimes; do printf ' %14s' "${ok_total[$runtime]}/${not_total[$runtime]}"; done; echo
