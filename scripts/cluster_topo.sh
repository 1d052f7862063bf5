#!/usr/bin/env bash
# The cluster topology of issue 7: a client behind a router, two load-balancer nodes that announce
# the VIPs to the router over BGP (the router spreads flows over them by ECMP, L4 hash), N backends,
# and an etcd node; each in its own namespace. The LB nodes and the backends share one L2 segment
# (a bridge in its own namespace), as in topo.sh: a node encapsulates to a backend with XDP_TX out
# lb0, the backend decapsulates and answers the client straight through the router (DSR).
#
#   PREFIX-cl   cl0 10.211.10.2 fd00:211:10::2      default via rt; tx checksum offload off
#                |
#               rt-cl 10.211.10.1 fd00:211:10::1
#   PREFIX-rt   router: forwarding, ECMP on the L4 5-tuple (hash policy 3), BIRD (AS 65000)
#               rt-kv 10.211.20.1 fd00:211:20::1 ---- kv0 10.211.20.2 fd00:211:20::2   PREFIX-kv
#               rt0   10.211.0.1  fd00:211::1              (etcd: started by the tests, port 2379)
#                |
#   PREFIX-sw   p-rt -- br0    (the segment 10.211.0.0/24, fd00:211::/64; lb_xdp_pass on p-lb1, p-lb2)
#                        |
#                        +-- p-lb1 -- lb0 10.211.0.2  fd00:211::2   PREFIX-lb1  forwarding on;
#                        +-- p-lb2 -- lb0 10.211.0.3  fd00:211::3   PREFIX-lb2  gobgpd / lbd here
#                        +-- p-beI -- be0 10.211.0.1I fd00:211::1I  PREFIX-beI  (I = 1..N)
#
# Backends: the VIP ranges local on lo, lb_xdp_decap on be0, scripts/backend_server.py (HTTP :80,
# UDP :5353) answering from the VIP.
#
# VIPs: 10.211.100.0/24 and fd00:211:100::/64, the first of each (10.211.100.1, fd00:211:100::1)
# on every backend's lo. Every node's default route goes via rt.
#
# BIRD in rt (AS 65000, router id 10.211.0.1): one BGP protocol per node, named lb1 and lb2,
# neighbour 10.211.0.2 / 10.211.0.3 AS 65001; hold 3 s, keepalive 1 s, error wait 5..30 s. BIRD
# both listens on 10.211.0.1:179 and connects to each node's port 179 every second, so a speaker
# listening on 179 is up within about 1 s of its start, and one that only connects out
# (gobgpd port -1) 5-10 s after (gobgpd's first connect waits 5 + rand 5 s). Channels ipv4 and
# ipv6 on the IPv4 session, import all, export none: an IPv6 route needs an IPv6 next hop on the
# segment (fd00:211::2 / ::3); BIRD rejects gobgpd's default, the IPv4 session address. The kernel
# protocols install routes with `merge paths on` (one route, a next hop per node: ECMP). BIRD's
# files (bird.conf, control socket bird.ctl, bird.log) are in /run/lb-cluster/PREFIX/.
#
# MTU: 1600 on lb0, be0 and their bridge ports (the encapsulation adds 20 or 40 bytes); 1500 on the
# client, router and kv links; the LB nodes' and backends' default routes are capped at 1500.
#
# Usage: cluster_topo.sh up PREFIX [BACKENDS] | down PREFIX | exec PREFIX NODE CMD... | status PREFIX
#        cluster_topo.sh clean-tests   (remove what test runs whose process is gone left behind)
#        NODE: cl rt kv sw lb1 lb2 be1..beN
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bpf_out="$root/bpf/.output"
python=/usr/bin/python3
state_root=/run/lb-cluster

SEGMENT4=10.211.0
SEGMENT6=fd00:211:
CLIENT4=10.211.10
CLIENT6=fd00:211:10:
KV4=10.211.20
KV6=fd00:211:20:
VIP_RANGE4=10.211.100.0/24
VIP_RANGE6=fd00:211:100::/64
ROUTER_AS=65000
LB_AS=65001
WIDE_MTU=1600

# shellcheck source=scripts/topo_common.sh
. "$here/topo_common.sh"

namespaces() { ip netns list | awk '{print $1}' | grep -E "^$1-(sw|cl|rt|kv|lb[12]|be[0-9]+)$" || true; }

# Every process in the namespaces gets SIGTERM, then SIGKILL after 3 s, and is waited for, so
# no daemon outlives `down` holding a namespace (or a port, or a file) open.
down() {
    local prefix=$1 ns pids all="" tries
    for ns in $(namespaces "$prefix"); do
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        all+=" $pids"
    done
    if [[ -n "${all// /}" ]]; then
        kill $all 2>/dev/null || true
        for tries in $(seq 1 30); do
            alive $all || break
            sleep 0.1
        done
        kill -KILL $all 2>/dev/null || true
        for tries in $(seq 1 50); do
            alive $all || break
            sleep 0.1
        done
    fi
    for ns in $(namespaces "$prefix"); do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "${state_root:?}/$prefix"
    rmdir "$state_root" 2>/dev/null || true
}

# alive PID...: true while one of them exists and is not a zombie.
alive() {
    local pid state
    for pid in "$@"; do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || continue
        [[ "$state" == Z ]] || return 0
    done
    return 1
}

# link NS1 DEV1 NS2 DEV2: a point-to-point veth.
link() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    in_ns "$1" ip link set "$2" up
    in_ns "$3" ip link set "$4" up
}

# default_via NS V4 V6 [MTU]
default_via() {
    in_ns "$1" ip route add default via "$2" ${4:+mtu "$4"}
    in_ns "$1" ip -6 route add default via "$3" ${4:+mtu "$4"}
}

require_tools() {
    local tool missing=()
    for tool in bird birdc nsenter ethtool curl; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (apt-get install bird2 util-linux ethtool curl)"
    [[ -x "$python" ]] || die "missing: $python (apt-get install python3)"
    [[ -f "$bpf_out/decap.bpf.o" && -f "$bpf_out/baseline.bpf.o" ]] || die "run 'make bpf' first"
}

up() {
    prefix=$1
    local backends=${2:-2} i ns state
    [[ "$backends" =~ ^[1-9]$ ]] || die "BACKENDS must be 1..9"
    require_tools
    down "$prefix"
    # A failure half way (set -e inside a function, or die) leaves nothing behind: an EXIT
    # trap, since ERR traps are not inherited by functions and exit raises none.
    up_done=0
    trap '((up_done)) || { echo "cluster_topo.sh: up failed; removing $prefix" >&2; down "$prefix"; }' EXIT
    state="$state_root/$prefix"
    mkdir -p "$state" || mkdir -p "$state"  # a concurrent down may remove the empty parent once

    # shellcheck disable=SC2046
    nodes "$prefix" sw cl rt kv lb1 lb2 $(seq -f "be%g" 1 "$backends")

    # Router: forwards, sends no redirects (an LB node forwarding back out the segment is not a
    # reason to), and picks among equal next hops by a hash of the 5-tuple read from the packet:
    # policy 3 with fields 0x37 (addresses, protocol, ports). Not policy 1: it takes the skb's
    # hash when there is one, and over veth that is the client socket's random txhash (re-rolled
    # by TCP at each retransmission timeout), so a flow's node would not follow its 5-tuple,
    # could move mid-connection, and would disagree with `ip route get ... sport dport`.
    in_ns "$prefix-rt" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.fib_multipath_hash_policy=3 net.ipv4.fib_multipath_hash_fields=0x0037 \
        net.ipv6.fib_multipath_hash_policy=3 net.ipv6.fib_multipath_hash_fields=0x0037 \
        net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
    port "$prefix-rt" rt0 p-rt 1500
    address "$prefix-rt" rt0 "$SEGMENT4.1/24" "${SEGMENT6}:1/64"

    link "$prefix-cl" cl0 "$prefix-rt" rt-cl
    address "$prefix-cl" cl0 "$CLIENT4.2/24" "${CLIENT6}:2/64"
    address "$prefix-rt" rt-cl "$CLIENT4.1/24" "${CLIENT6}:1/64"
    default_via "$prefix-cl" "$CLIENT4.1" "${CLIENT6}:1"
    # Locally sent packets carry partial checksums under tx offload; after XDP_TX nobody completes them.
    in_ns "$prefix-cl" ethtool -K cl0 tx off >/dev/null

    link "$prefix-kv" kv0 "$prefix-rt" rt-kv
    address "$prefix-kv" kv0 "$KV4.2/24" "${KV6}:2/64"
    address "$prefix-rt" rt-kv "$KV4.1/24" "${KV6}:1/64"
    default_via "$prefix-kv" "$KV4.1" "${KV6}:1"

    for i in 1 2; do
        ns="$prefix-lb$i"
        port "$ns" lb0 "p-lb$i" "$WIDE_MTU"
        address "$ns" lb0 "$SEGMENT4.$((i + 1))/24" "${SEGMENT6}:$((i + 1))/64"
        default_via "$ns" "$SEGMENT4.1" "${SEGMENT6}:1" 1500
        # bpf_fib_lookup answers only where forwarding is on; redirects would only confuse the router.
        in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
            net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.lb0.send_redirects=0
        # A veth delivers XDP_TX frames only if its peer runs an XDP program.
        attach "$prefix-sw" "p-lb$i" baseline.bpf.o lb_xdp_pass
    done

    for i in $(seq 1 "$backends"); do
        backend "$prefix" "$i"
        # Replies leave toward 1500-byte clients: cap the return path, not the tunnel's receive side.
        default_via "$prefix-be$i" "$SEGMENT4.1" "${SEGMENT6}:1" 1500
    done

    bird_conf >"$state/bird.conf"
    in_ns "$prefix-rt" bird -c "$state/bird.conf" -s "$state/bird.ctl" -P "$state/bird.pid"
    wait_ready "$prefix" "$backends" "$state"
    up_done=1
    trap - EXIT
}

bird_conf() {
    local i
    cat <<EOF
# Generated by scripts/cluster_topo.sh for $prefix.
log "$state_root/$prefix/bird.log" all;
router id $SEGMENT4.1;
# One two-token "since" column in show protocols, whatever the day: the tests parse it.
timeformat protocol iso long;

protocol device { scan time 10; }

# merge paths: one kernel route with a next hop per LB node (ECMP), not only the best path.
protocol kernel kernel4 {
    ipv4 { import none; export all; };
    merge paths on;
}
protocol kernel kernel6 {
    ipv6 { import none; export all; };
    merge paths on;
}

template bgp lbnode {
    local $SEGMENT4.1 as $ROUTER_AS;
    hold time 3;
    keepalive time 1;
    connect delay time 1;
    connect retry time 1;
    # After a hold-timer expiry BIRD idles this long (default 60 s) before it accepts the peer again.
    error wait time 5,30;
    ipv4 { import all; export none; };
    ipv6 { import all; export none; };
}
EOF
    for i in 1 2; do
        echo "protocol bgp lb$i from lbnode { neighbor $SEGMENT4.$((i + 1)) as $LB_AS; }"
    done
}

# Every backend answers HTTP and UDP on its own address, from the client through the router, and
# BIRD answers on its socket, before `up` returns.
wait_ready() {
    local prefix=$1 backends=$2 state=$3 tries
    wait_backends "$prefix" "$backends"
    for tries in $(seq 1 50); do
        birdc -s "$state/bird.ctl" show status 2>/dev/null | grep -q 'Daemon is up and running' && return 0
        sleep 0.1
    done
    die "BIRD did not start in $prefix-rt: $(tail -n 20 "$state/bird.log" 2>/dev/null)"
}

status() {
    local prefix=$1
    # shellcheck disable=SC2046
    show $(namespaces "$prefix" | sort -V)
    if [[ -S "$state_root/$prefix/bird.ctl" ]]; then
        echo "== BIRD ($state_root/$prefix/bird.ctl)"
        birdc -s "$state_root/$prefix/bird.ctl" show protocols || true
        in_ns "$prefix-rt" ip route show proto bird || true
        in_ns "$prefix-rt" ip -6 route show proto bird || true
    fi
}

# Test prefixes are lbt<pid>-...: what a test process still running owns stays.
clean_tests() {
    local ns pid dir prefix
    for ns in $(ip netns list | awk '{print $1}' | grep -E '^lbt[0-9]+-' || true); do
        pid=${ns%%-*}
        pid=${pid#lbt}
        kill -0 "$pid" 2>/dev/null || down "${ns%-*}"
    done
    for dir in "$state_root"/lbt[0-9]*-*; do
        [[ -d "$dir" ]] || continue
        prefix=${dir##*/}
        pid=${prefix%%-*}
        pid=${pid#lbt}
        kill -0 "$pid" 2>/dev/null || down "$prefix"
    done
    # The cluster fixtures' temporary directories (etcd data, gobgpd config and logs).
    for dir in "${TMPDIR:-/tmp}"/lbt[0-9]*-etcd-* "${TMPDIR:-/tmp}"/lbt[0-9]*-lb[12]-gobgp-*; do
        [[ -d "$dir" ]] || continue
        pid=${dir##*/lbt}
        pid=${pid%%-*}
        kill -0 "$pid" 2>/dev/null || rm -rf "$dir"
    done
}

# PREFIX names namespaces and a directory that `down` removes: letters, digits, - and _ only.
[[ $# -lt 2 || "$2" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || die "PREFIX must be letters, digits, - and _ (got '$2')"

case "${1:-}" in
    up) [[ $# -ge 2 && $# -le 3 ]] || die "usage: cluster_topo.sh up PREFIX [BACKENDS]"; up "$2" "${3:-2}" ;;
    down) [[ $# -eq 2 ]] || die "usage: cluster_topo.sh down PREFIX"; down "$2" ;;
    exec) [[ $# -ge 4 ]] || die "usage: cluster_topo.sh exec PREFIX NODE CMD..."; p=$2 n=$3; shift 3; in_ns "$p-$n" "$@" ;;
    status) [[ $# -eq 2 ]] || die "usage: cluster_topo.sh status PREFIX"; status "$2" ;;
    clean-tests) clean_tests ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
