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

die() { echo "topo.sh: $*" >&2; exit 1; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

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

# attach NS DEV OBJECT PROGRAM: native XDP, through iproute2's libbpf loader.
attach() {
    in_ns "$1" ip link set dev "$2" xdpdrv obj "$bpf_out/$3" program "$4"
}

# port NS DEV PEER MTU: a veth from NS (named DEV) to the switch (named PEER) on br0.
port() {
    local ns=$1 dev=$2 peer=$3 mtu=$4
    ip link add "$dev" netns "$ns" mtu "$mtu" type veth peer name "$peer" netns "$prefix-sw" mtu "$mtu"
    in_ns "$prefix-sw" ip link set "$peer" master br0 up
    in_ns "$ns" ip link set "$dev" up
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

    for ns in sw cl lb $(seq -f "be%g" 1 "$backends"); do
        ip netns add "$prefix-$ns"
        in_ns "$prefix-$ns" ip link set lo up
        in_ns "$prefix-$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    in_ns "$prefix-sw" ip link add br0 type bridge
    in_ns "$prefix-sw" ip link set br0 up

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
        ns="$prefix-be$i"
        port "$ns" be0 "p-be$i" "$WIDE_MTU"
        in_ns "$ns" ip addr add "$SEGMENT4.1$i/24" dev be0
        in_ns "$ns" ip addr add "${SEGMENT6}:1$i/64" dev be0 nodad
        # Replies leave toward 1500-byte clients: cap the return path, not the tunnel's receive side.
        in_ns "$ns" ip route replace "$SEGMENT4.0/24" dev be0 proto kernel scope link src "$SEGMENT4.1$i" mtu 1500
        in_ns "$ns" ip -6 route replace "${SEGMENT6}:/64" dev be0 proto kernel metric 256 mtu 1500
        # The VIPs are local on every backend: the first of each range on lo, the rest through a
        # local route; non-local binding lets the UDP server answer from any VIP of the range.
        in_ns "$ns" ip addr add "${VIP_RANGE4%.0/24}.1/32" dev lo
        in_ns "$ns" ip -6 addr add "${VIP_RANGE6%/64}1/128" dev lo
        in_ns "$ns" ip route add local "$VIP_RANGE4" dev lo
        in_ns "$ns" ip -6 route add local "$VIP_RANGE6" dev lo
        in_ns "$ns" sysctl -qw net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1
        # Do not answer ARP for the VIPs: clients must reach them through the balancer.
        in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
        attach "$ns" be0 decap.bpf.o lb_xdp_decap
        in_ns "$ns" "$python" "$here/backend_server.py" --name "be$i" >/dev/null 2>&1 &
    done
    wait_ready "$prefix" "$backends"
    up_done=1
    trap - EXIT
}

# Every backend answers HTTP and UDP on its own address before `up` returns.
wait_ready() {
    local prefix=$1 backends=$2 i tries
    for i in $(seq 1 "$backends"); do
        for tries in $(seq 1 100); do
            if in_ns "$prefix-cl" curl -s -m 1 -o /dev/null "http://$SEGMENT4.1$i/" &&
                in_ns "$prefix-cl" "$python" -c "$udp_probe" "$SEGMENT4.1$i"; then
                continue 2
            fi
            sleep 0.1
        done
        die "backend be$i did not start its servers"
    done
}

udp_probe='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
s.sendto(b"probe", (sys.argv[1], 5353))
s.recv(64)
'

status() {
    local prefix=$1 ns
    for ns in $(namespaces "$prefix"); do
        echo "== $ns"
        in_ns "$ns" ip -br addr show | grep -v '^lo' || true
        in_ns "$ns" ip -d link show | grep -o 'prog/xdp id [0-9]* name [a-z_]*' | sed 's/^/   xdp: /' || true
    done
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
