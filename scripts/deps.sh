#!/usr/bin/env bash
# Install what the build, the tests and the demo need, if it is missing, and mount bpffs.
# Idempotent: a second run changes nothing. `--check` only reports what is missing.
set -euo pipefail

# Debian packages: build (clang, llvm, libbpf-dev, gcc; GoBGP's API definitions from
# golang-github-osrg-gobgp-dev), topology and traffic (iproute2, ethtool, iputils-ping, curl,
# python3 for the backends' servers), the cluster's daemons (gobgpd on the LB nodes, BIRD as the
# tests' router, etcd).
packages=(clang llvm libbpf-dev libbpf1 gcc libc6-dev make iproute2 ethtool iputils-ping curl python3 bpftool util-linux
          golang-github-osrg-gobgp-dev gobgpd bird2 etcd-server etcd-client)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [[ "${1:-}" == "--check" ]]; then
    status=0
    ((${#missing[@]} == 0)) || { echo "missing packages: ${missing[*]} (run: make deps)"; status=1; }
    command -v dotnet >/dev/null || { echo "missing: the .NET 10 SDK (dotnet)"; status=1; }
    [[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" == bpf_fs ]] || { echo "bpffs is not mounted at /sys/fs/bpf (run: make deps)"; status=1; }
    exit $status
fi

if ((${#missing[@]} > 0)); then
    if ((EUID != 0)); then
        echo "deps: missing packages ${missing[*]}; run as root (sudo make deps)" >&2
        exit 1
    fi
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null; then
    echo "deps: the .NET 10 SDK (dotnet) is not on PATH; install it from https://dot.net and rerun" >&2
    exit 1
fi

if [[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]]; then
    if ((EUID != 0)); then
        echo "deps: bpffs is not mounted at /sys/fs/bpf; run as root (sudo make deps)" >&2
        exit 1
    fi
    mount -t bpf bpf /sys/fs/bpf
    echo "deps: mounted bpffs at /sys/fs/bpf"
fi
