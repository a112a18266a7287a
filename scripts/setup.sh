#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a fresh Debian 12 / Ubuntu machine (run as root).
set -euo pipefail
packages=(
  busybox-static          # the tests' and demo's small image
  skopeo umoci podman     # interop peers: archives and registries
  buildah                 # the Dockerfile builder the build tests and bench/build.sh compare with
  crun runc conmon        # runtime peers for interop and bench
  docker-registry         # a real Distribution v2 registry on 127.0.0.1
  apache2-utils           # htpasswd (bcrypt) for the registry tests' Basic auth
  tini containernetworking-plugins iptables nftables iproute2
  tmux zstd jq hyperfine uidmap
  gcc libseccomp-dev      # the confinement tests' static syscall probe
  docker.io docker-compose  # real Docker API clients (docker 20.10 CLI, Compose 1.29); dockerd only in bench/api.sh
  golang-go golang-github-opencontainers-runtime-tools-dev golang-github-google-uuid-dev  # bench/oci-validation.sh
  libseccomp2 libc6-dev  # ctinit and the engine load seccomp filters; the probe is linked statically
  openssh-server openssh-client  # the fleet tests' and bench's sshd "hosts" (their own configs; /etc/ssh untouched)
  python3 curl            # bench/api.sh's canned docker API (the docker CLI's own floor); python3 also stands in for systemd's socket activation in the Api tests
  openssl                 # the Api TLS tests' throwaway CA, server and client certificates
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian registry package starts a system service on 127.0.0.1:5000; tests run their own on free ports.
systemctl disable --now docker-registry >/dev/null 2>&1 || true
# docker.io's dockerd would add a bridge and iptables rules to the host; only bench/api.sh starts one, of its own.
systemctl disable --now docker.socket docker.service >/dev/null 2>&1 || true
command -v dotnet >/dev/null || { echo "setup: the .NET SDK 10 is required (dotnet on PATH)" >&2; exit 1; }
