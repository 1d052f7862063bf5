#!/usr/bin/env bash
# The veth topology of the demo and the end-to-end tests: one L2 segment (a bridge in its own
# namespace) joining a client, the load balancer and N backends, each in its own namespace.
#
#   PREFIX-cl  cl0 10.210.0.100 fd00:210::100   routes 10.210.100.0/24, fd00:210:100::/64 via lb
#   PREFIX-lb  lb0 10.210.0.2   fd00:210::2     forwarding on; lbd / the tests attach XDP to lb0
#   PREFIX-beI be0 10.210.0.1I  fd00:210::1I    VIP ranges local on lo, lb_xdp_decap on be0,
#                                               scripts/backend_server.py (HTTP :80, UDP :5353)
#   PREFIX-sw  br0 with the peer ports p-cl, p-lb, p-beI; lb_xdp_pass on p-lb
#
# Replies go from each backend straight to the client over the segment (DSR).
# MTU: the client side is 1500; lb0, the backends and their bridge ports are 1600, because the
# balancer adds 20 (IPv4 outer) or 40 (IPv6 outer) bytes to every client packet.
#
# Usage: topo.sh up PREFIX [BACKENDS] | down PREFIX | exec PREFIX NODE CMD... | status PREFIX
#        topo.sh clean-tests   (remove namespaces left by test runs whose process is gone)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bpf_out="$root/bpf/.output"
python=/usr/bin/python3

SEGMENT4=10.210.0
SEGMENT6=fd00:210:
VIP_RANGE4=10.210.100.0/24
VIP_RANGE6=fd00:210:100::/64
WIDE_MTU=1600

# shellcheck source=scripts/topo_common.sh
. "$here/topo_common.sh"

namespaces() { ip netns list | awk '{print $1}' | grep -E "^$1-(sw|cl|lb|be[0-9]+)$" || true; }

down() {
    local prefix=$1 ns pids
    for ns in $(namespaces "$prefix"); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [[ -n "$pids" ]] && kill $pids 2>/dev/null || true
    done
    for ns in $(namespaces "$prefix"); do
        ip netns del "$ns" 2>/dev/null || true
    done
}

up() {
    prefix=$1
    local backends=${2:-3} i ns
    [[ -f "$bpf_out/decap.bpf.o" && -f "$bpf_out/baseline.bpf.o" ]] || die "run 'make bpf' first"
    ((backends >= 1 && backends <= 9)) || die "BACKENDS must be 1..9"
    down "$prefix"
    # A failure half way (set -e inside a function, or die) leaves nothing behind: an EXIT
    # trap, since ERR traps are not inherited by functions and exit raises none.
    up_done=0
    trap '((up_done)) || { echo "topo.sh: up failed; removing $prefix" >&2; down "$prefix"; }' EXIT

    # shellcheck disable=SC2046
    nodes "$prefix" sw cl lb $(seq -f "be%g" 1 "$backends")

    port "$prefix-cl" cl0 p-cl 1500
    in_ns "$prefix-cl" ip addr add "$SEGMENT4.100/24" dev cl0
    in_ns "$prefix-cl" ip addr add "${SEGMENT6}:100/64" dev cl0 nodad
    in_ns "$prefix-cl" ip route add "$VIP_RANGE4" via "$SEGMENT4.2"
    in_ns "$prefix-cl" ip -6 route add "$VIP_RANGE6" via "${SEGMENT6}:2"
    # Locally sent packets carry partial checksums under tx offload; after XDP_TX nobody completes them.
    in_ns "$prefix-cl" ethtool -K cl0 tx off >/dev/null

    port "$prefix-lb" lb0 p-lb "$WIDE_MTU"
    in_ns "$prefix-lb" ip addr add "$SEGMENT4.2/24" dev lb0
    in_ns "$prefix-lb" ip addr add "${SEGMENT6}:2/64" dev lb0 nodad
    # bpf_fib_lookup answers only where forwarding is on; redirects would only confuse the client.
    in_ns "$prefix-lb" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.lb0.send_redirects=0
    # A veth delivers XDP_TX frames only if its peer runs an XDP program.
    attach "$prefix-sw" p-lb baseline.bpf.o lb_xdp_pass

    for i in $(seq 1 "$backends"); do
        backend "$prefix" "$i"
        # Replies leave toward 1500-byte clients: cap the return path, not the tunnel's receive side.
        in_ns "$prefix-be$i" ip route replace "$SEGMENT4.0/24" dev be0 proto kernel scope link src "$SEGMENT4.1$i" mtu 1500
        in_ns "$prefix-be$i" ip -6 route replace "${SEGMENT6}:/64" dev be0 proto kernel metric 256 mtu 1500
    done
    wait_backends "$prefix" "$backends"
    up_done=1
    trap - EXIT
}

status() {
    # shellcheck disable=SC2046
    show $(namespaces "$1")
}

clean_tests() {
    local ns pid dir
    for ns in $(ip netns list | awk '{print $1}' | grep -E '^lbt[0-9]+-' || true); do
        pid=${ns%%-*}
        pid=${pid#lbt}
        # Test namespaces are named lbt<pid>-...: those of a test process still running stay.
        if ! kill -0 "$pid" 2>/dev/null; then
            ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
    for dir in /sys/fs/bpf/lbt[0-9]*-*; do
        [[ -d "$dir" ]] || continue
        pid=${dir#/sys/fs/bpf/lbt}
        pid=${pid%%-*}
        kill -0 "$pid" 2>/dev/null || rm -rf "$dir"
    done
}

case "${1:-}" in
    up) [[ $# -ge 2 ]] || die "usage: topo.sh up PREFIX [BACKENDS]"; up "$2" "${3:-3}" ;;
    down) [[ $# -eq 2 ]] || die "usage: topo.sh down PREFIX"; down "$2" ;;
    exec) [[ $# -ge 4 ]] || die "usage: topo.sh exec PREFIX NODE CMD..."; p=$2 n=$3; shift 3; in_ns "$p-$n" "$@" ;;
    status) [[ $# -eq 2 ]] || die "usage: topo.sh status PREFIX"; status "$2" ;;
    clean-tests) clean_tests ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
