#!/usr/bin/env bash
# Build-ContainerImage of a ten-step Dockerfile (FROM busybox, ENV, WORKDIR, 2 COPY, 3 RUN, LABEL, CMD) against
# `buildah bud --layers` (Debian's buildah, vfs storage, chroot isolation, which shares the host network: buildah refuses --network none with it) on the same context and base
# image, in the same run: a cold build into a store that has only the base image, a fully cached rebuild, and a
# rebuild after one file (used by step 7) changed, which must rerun only steps 7 and 8.
# ROUNDS (default 3) interleaved rounds, each with fresh stores; each number is the median over the rounds.
# Goals: cold <= 0.5x buildah; cached <= 0.1x buildah.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${ROUNDS:-3}
work=$(mktemp -d /var/tmp/ct-bench-build.XXXXXX)
bah() { buildah --root "$work/buildah/root" --runroot "$work/buildah/run" --storage-driver vfs "$@"; }
cleanup() {
  if [ -d "$work/buildah/root" ]; then bah rm --all >/dev/null 2>&1 || true; bah rmi --all --force >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM HUP

# The base image, once: a busybox root file system with every applet, as a docker-archive both sides load.
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
cp /bin/busybox "$rootfs/bin/"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$work/rootfs.tar" .
CONTAINERTOOLS_ROOT=$work/base "$ctpwsh" "$repo/bench/lib/build-base.ps1" "$work/rootfs.tar" "$work/busybox.tar"
rm -rf "$work/base"

new_context() {
  rm -rf "$work/ctx"; mkdir -p "$work/ctx"
  head -c 200000 /dev/urandom | base64 > "$work/ctx/a.txt"
  echo b > "$work/ctx/b.txt"
  cat > "$work/ctx/Dockerfile" <<'EOF'
FROM bench/busybox:latest
ENV APP=/app
WORKDIR /app
COPY a.txt .
RUN echo one > one.txt && sha256sum a.txt > a.sum
RUN echo two > two.txt
COPY b.txt .
RUN cat a.txt b.txt > ab.txt
LABEL bench=build
CMD ["cat", "/app/ab.txt"]
EOF
}

: > "$work/ours"; : > "$work/theirs"
for round in $(seq "$rounds"); do
  new_context
  CONTAINERTOOLS_ROOT=$work/store-$round "$ctpwsh" "$repo/bench/lib/build.ps1" "$work" "$work/ctx" "$work/busybox.tar" | tail -n1 >> "$work/ours"
  rm -rf "$work/store-$round"

  new_context
  bah pull -q "docker-archive:$work/busybox.tar" >/dev/null
  bud() { bah bud --layers --pull-never --isolation chroot -q -t bench/app:1 "$work/ctx" >/dev/null; }
  t0=$(now_ns); bud; t1=$(now_ns); bud; t2=$(now_ns)
  echo "b changed $RANDOM" > "$work/ctx/b.txt"
  t3=$(now_ns); bud; t4=$(now_ns)
  echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 )) $(( (t4 - t3) / 1000000 ))" >> "$work/theirs"
  bah rm --all >/dev/null 2>&1 || true; bah rmi --all --force >/dev/null 2>&1 || true
done

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'Build-ContainerImage cold:    %s ms   buildah bud --layers cold:    %s ms   ratio %sx (goal <= 0.5x)\n' \
  "$(col 1 "$work/ours")" "$(col 1 "$work/theirs")" "$(ratio "$(col 1 "$work/ours")" "$(col 1 "$work/theirs")")"
printf 'Build-ContainerImage cached:  %s ms   buildah bud --layers cached:  %s ms   ratio %sx (goal <= 0.1x)\n' \
  "$(col 2 "$work/ours")" "$(col 2 "$work/theirs")" "$(ratio "$(col 2 "$work/ours")" "$(col 2 "$work/theirs")")"
printf 'Build-ContainerImage b.txt changed: %s ms (cache hits: %s of 9; steps 7-8 rerun)   buildah: %s ms\n' \
  "$(col 3 "$work/ours")" "$(col 4 "$work/ours")" "$(col 3 "$work/theirs")"
echo "rounds (ours cold cached changed hits): $(paste -sd'|' "$work/ours")"
echo "rounds (buildah cold cached changed): $(paste -sd'|' "$work/theirs")"
