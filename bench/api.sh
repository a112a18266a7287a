#!/usr/bin/env bash
# The Docker Engine API through three servers, driven by the same docker 20.10 CLI: ctapi (this repository's
# out/ContainerTools/ctapi), podman's compat API (`podman system service`) and Docker 20.10's own dockerd (started here
# only, with its own --data-root and --exec-root, --iptables=false, --bridge=none, and stopped after).
#   1. `docker run --rm --network none busybox true`, RUNS (default 20) times each, interleaved by hyperfine.
#   2. `docker ps -a` over COUNT (default 1000) created containers, and the CLI's own floor: the same CLI against a
#      server that only replays dockerd's recorded answer (bench/lib/canned-docker-api.py).
# Goals (issue 15): run <= 0.5x podman's API and <= 0.5x dockerd; ps <= 0.3x both.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
enter_private_mounts "$@"
count=${COUNT:-1000}
runs=${RUNS:-20}
docker=/usr/bin/docker
make_work api
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev"
cp /bin/busybox "$work/rootfs/bin/"
for applet in sh true sleep; do ln -s busybox "$work/rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$work/rootfs/etc/passwd"
tar -C "$work/rootfs" -cf "$work/busybox.tar" .

servers=()
stop_servers() {
  # `pod` is a shell function: the background job is its subshell, so podman itself is found by its socket path.
  servers+=($(pgrep -f "system service --time 0 unix://$work/podman.sock" || true))
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop_servers; cleanup_work' EXIT

wait_socket() { for _ in $(seq 200); do DOCKER_HOST=unix://$1 $docker version >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no server on $1" >&2; return 1; }

"$repo/out/ContainerTools/ctapi" --socket "$work/ct.sock" --root "$store" 2>"$work/ctapi.log" &
servers+=($!)
pod system service --time 0 "unix://$work/podman.sock" 2>"$work/podman.log" &
servers+=($!)
mkdir -p "$work/dockerd"
dockerd --data-root "$work/dockerd/root" --exec-root "$work/dockerd/exec" --pidfile "$work/dockerd/pid" \
  --iptables=false --ip-masq=false --bridge=none -H "unix://$work/dockerd.sock" --cgroup-parent "$peer_cgroup" \
  >"$work/dockerd.log" 2>&1 &
servers+=($!)
for side in ct podman dockerd; do
  wait_socket "$work/$side.sock"
  DOCKER_HOST=unix://$work/$side.sock $docker import "$work/busybox.tar" busybox:latest >/dev/null
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run_flags="run --rm --network none busybox true"
[ "$(DOCKER_HOST=unix://$work/podman.sock $docker run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 busybox true >/dev/null 2>&1; echo $?)" = 0 ] \
  && podman_flags="run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 busybox true" || podman_flags=$run_flags
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/run.json" \
  -n ctapi "env DOCKER_HOST=unix://$work/ct.sock $docker $run_flags" \
  -n podman "env DOCKER_HOST=unix://$work/podman.sock $docker $podman_flags" \
  -n dockerd "env DOCKER_HOST=unix://$work/dockerd.sock $docker $run_flags" >/dev/null
median_of() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$work/run.json"; }
ct=$(median_of ctapi); pd=$(median_of podman); dd=$(median_of dockerd)
echo "docker run --rm busybox true (median of $runs): ctapi $ct ms, podman $pd ms, dockerd $dd ms; ratio vs podman $(ratio "$ct" "$pd"), vs dockerd $(ratio "$ct" "$dd") (goal <= 0.5)"

for side in ct podman dockerd; do
  for i in $(seq "$count"); do echo "create --network none busybox true"; done |
    xargs -P 4 -I{} sh -c "DOCKER_HOST=unix://$work/$side.sock $docker {} >/dev/null"
done
# The floor: the same CLI formatting dockerd's recorded answer, served by a server that does nothing else.
curl -s --unix-socket "$work/dockerd.sock" "http://d/v1.41/containers/json?all=1" > "$work/recorded.json"
python3 "$repo/bench/lib/canned-docker-api.py" "$work/canned.sock" "$work/recorded.json" 2>"$work/canned.log" &
servers+=($!)
wait_socket "$work/canned.sock"
hyperfine -N --warmup 1 --runs 10 --export-json "$work/ps.json" \
  -n ctapi "env DOCKER_HOST=unix://$work/ct.sock $docker ps -a" \
  -n podman "env DOCKER_HOST=unix://$work/podman.sock $docker ps -a" \
  -n dockerd "env DOCKER_HOST=unix://$work/dockerd.sock $docker ps -a" \
  -n cli-floor "env DOCKER_HOST=unix://$work/canned.sock $docker ps -a" >/dev/null
ct=$(jq -r '.results[] | select(.command == "ctapi") | .median * 1000' "$work/ps.json")
pd=$(jq -r '.results[] | select(.command == "podman") | .median * 1000' "$work/ps.json")
dd=$(jq -r '.results[] | select(.command == "dockerd") | .median * 1000' "$work/ps.json")
seen=$(DOCKER_HOST=unix://$work/ct.sock $docker ps -aq | wc -l)
fl=$(jq -r '.results[] | select(.command == "cli-floor") | .median * 1000' "$work/ps.json")
echo "docker ps -a over $seen containers (median of 10): ctapi $ct ms, podman $pd ms, dockerd $dd ms; ratio vs podman $(ratio "$ct" "$pd"), vs dockerd $(ratio "$ct" "$dd") (goal <= 0.3)"
echo "  the CLI alone on dockerd's recorded answer: $fl ms ($(ratio "$fl" "$dd") of dockerd's; ctapi's own share $(awk -v a="$ct" -v b="$fl" 'BEGIN { printf "%.0f", a - b }') ms)"
for side in ct podman dockerd; do
  DOCKER_HOST=unix://$work/$side.sock $docker container prune -f >/dev/null 2>&1 || true
done
