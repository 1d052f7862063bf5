# shellcheck shell=bash
# The pieces topo.sh and cluster_topo.sh both build with: namespaces, a bridged segment, veth
# ports, XDP attachments, backends with the VIPs local and their servers, and the readiness check.
# Sourced after the script sets bpf_out, python, here, SEGMENT4/6, VIP_RANGE4/6 and WIDE_MTU.

die() { echo "${0##*/}: $*" >&2; exit 1; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

# nodes PREFIX NAME...: a namespace per name, loopback up, IPv6 without DAD; then the segment's
# bridge br0 in PREFIX-sw (sw must be among the names).
nodes() {
    local prefix=$1 ns
    shift
    for ns in "$@"; do
        ip netns add "$prefix-$ns"
        in_ns "$prefix-$ns" ip link set lo up
        in_ns "$prefix-$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    done
    in_ns "$prefix-sw" ip link add br0 type bridge
    in_ns "$prefix-sw" ip link set br0 up
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

# address NS DEV V4 V6: both addresses, without DAD (the addresses are usable at once).
address() {
    in_ns "$1" ip addr add "$3" dev "$2"
    in_ns "$1" ip -6 addr add "$4" dev "$2" nodad
}

# backend PREFIX I: backend I on the segment (be0, SEGMENT.1I), the VIP ranges local, the decap
# program on be0 and scripts/backend_server.py running; its routes are the caller's.
backend() {
    local prefix=$1 i=$2 ns="$1-be$2"
    port "$ns" be0 "p-be$i" "$WIDE_MTU"
    address "$ns" be0 "$SEGMENT4.1$i/24" "${SEGMENT6}:1$i/64"
    # The VIPs are local on every backend: the first of each range on lo, the rest through a
    # local route; non-local binding lets the UDP server answer from any VIP of the range.
    in_ns "$ns" ip addr add "${VIP_RANGE4%.0/24}.1/32" dev lo
    in_ns "$ns" ip -6 addr add "${VIP_RANGE6%/64}1/128" dev lo
    in_ns "$ns" ip route add local "$VIP_RANGE4" dev lo
    in_ns "$ns" ip -6 route add local "$VIP_RANGE6" dev lo
    in_ns "$ns" sysctl -qw net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1
    # Do not answer ARP for the VIPs: the client (or router) must reach them through the balancer.
    in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
    attach "$ns" be0 decap.bpf.o lb_xdp_decap
    in_ns "$ns" "$python" "$here/backend_server.py" --name "be$i" >/dev/null 2>&1 &
}

# wait_backends PREFIX N: every backend answers HTTP and UDP on its own address from the client.
wait_backends() {
    local prefix=$1 backends=$2 i tries
    for i in $(seq 1 "$backends"); do
        for tries in $(seq 1 100); do
            if in_ns "$prefix-cl" curl -s -m 1 -o /dev/null "http://$SEGMENT4.1$i/" &&
                in_ns "$prefix-cl" "$python" -c "$udp_probe" "$SEGMENT4.1$i"; then
                continue 2
            fi
            sleep 0.1
        done
        die "backend be$i does not answer the client"
    done
}

udp_probe='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
s.sendto(b"probe", (sys.argv[1], 5353))
s.recv(64)
'

# show NS...: each namespace's addresses and XDP programs.
show() {
    local ns
    for ns in "$@"; do
        echo "== $ns"
        in_ns "$ns" ip -br addr show | grep -v '^lo' || true
        in_ns "$ns" ip -d link show | grep -o 'prog/xdp id [0-9]* name [a-z_]*' | sed 's/^/   xdp: /' || true
    done
}
