#!/usr/bin/env bash
# make demo: the product's main job, end to end, on this machine.
#   1. a veth topology: client, load balancer, three backends (scripts/topo.sh)
#   2. lbd on its embedded default configuration, in the balancer's namespace
#   3. real traffic from the client: HTTP (IPv4 and IPv6) and UDP, for about 30 seconds,
#      with `lbctl stats --watch` live
#   4. `lbctl backend drain` of one backend: new flows leave it, traffic moves to the others,
#      lbctl health shows it draining
#   5. everything torn down, also on Ctrl-C
# Needs root. DEMO_SECONDS (default 15) sets the length of each watch phase.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
prefix=lbdemo
instance=lbdemo
config=${CONFIG:-Release}
seconds=${DEMO_SECONDS:-15}
lbd_dll="$root/src/LoadBalancer.Daemon/bin/$config/net10.0/lbd.dll"
lbctl_dll="$root/src/LoadBalancer.Cli/bin/$config/net10.0/lbctl.dll"
pids=()
lbd_pid=
exec 3>&1 4>&2

lbctl() { dotnet "$lbctl_dll" --instance "$instance" "$@"; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$prefix-$ns" -- "$@"; } # foreground only: in the background, $! would be a subshell
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
    trap - EXIT
    trap '' INT TERM # a second Ctrl-C must not cut the teardown short
    exec 1>&3 2>&4 # Ctrl-C can land inside a redirected command; print where the demo prints
    say "tearing down"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # lbd stops gracefully on TERM (leaving its data plane pinned, as in production), so wait
    # for it before detaching, or a start still in progress could pin after the detach.
    [[ -z "$lbd_pid" ]] || kill "$lbd_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    dotnet "$lbd_dll" detach --instance "$instance" || true
    "$here/topo.sh" down "$prefix"
    rm -rf "$work"
    local left
    left=$(ip netns list | grep -o "^$prefix-[a-z0-9]*" | tr '\n' ' ' || true)
    [[ ! -e "/sys/fs/bpf/$instance" ]] || left+="/sys/fs/bpf/$instance "
    if [[ -n "$left" ]]; then
        echo "demo: left behind: $left(scripts/topo.sh down $prefix; lbd detach --instance $instance)" >&2
    else
        echo "done: no namespace or pinned data plane of the demo is left"
    fi
}
((EUID == 0)) || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
[[ -f "$lbd_dll" && -f "$lbctl_dll" ]] || { echo "demo: build first (make build)" >&2; exit 1; }

work=$(mktemp -d /tmp/lbdemo.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM

say "topology: client 10.210.0.100 -> lb 10.210.0.2 (XDP on lb0) -> backends be1-be3 10.210.0.11-13 (DSR)"
"$here/topo.sh" up "$prefix" 3

say "lbd on its embedded default configuration (VIPs 10.210.100.1 and fd00:210:100::1, HTTP :80, UDP :5353)"
# nsenter execs lbd, so $! is lbd itself (a shell function here would put a subshell in between).
nsenter --net="/run/netns/$prefix-lb" -- dotnet "$lbd_dll" --instance "$instance" --state "$work/state.json" >"$work/lbd.log" 2>&1 &
lbd_pid=$!
for _ in $(seq 1 100); do
    lbctl status >/dev/null 2>&1 && break
    kill -0 "$lbd_pid" 2>/dev/null || { echo "demo: lbd failed to start:" >&2; cat "$work/lbd.log" >&2; exit 1; }
    sleep 0.2
done
lbctl status
lbctl vip list

say "traffic: new HTTP connections (IPv4 and IPv6) and UDP datagrams from new sockets, continuously"
nsenter --net="/run/netns/$prefix-cl" -- bash -c 'while :; do curl -s -m 1 -o /dev/null http://10.210.100.1/; curl -s -m 1 -o /dev/null "http://[fd00:210:100::1]/"; sleep 0.02; done' &
pids+=($!)
nsenter --net="/run/netns/$prefix-cl" -- /usr/bin/python3 -c '
import socket, time
while True:
    for family, vip in ((socket.AF_INET, "10.210.100.1"), (socket.AF_INET6, "fd00:210:100::1")):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.settimeout(1)
        s.connect((vip, 5353))
        s.send(b"hello")
        try:
            s.recv(64)
        except OSError:
            pass
        s.close()
    time.sleep(0.02)
' &
pids+=($!)

say "live stats for ${seconds}s (lbctl stats --watch)"
lbctl stats --watch --interval 1 --count "$seconds"

say "health: every backend probed by an HTTP GET (lbctl health)"
lbctl health

say "lbctl backend drain 10.210.100.1:80/tcp 10.210.0.11: be1 takes no new flows, its existing flows finish"
lbctl backend drain 10.210.100.1:80/tcp 10.210.0.11
lbctl backend list 10.210.100.1:80/tcp
lbctl health 10.210.100.1:80/tcp
lbctl explain 10.210.0.100:40000 10.210.100.1:80/tcp

say "live stats for ${seconds}s: 10.210.0.11's flows/s falls to 0 on 10.210.100.1:80/tcp, the others take its share"
lbctl stats --watch --interval 1 --count "$seconds"

say "metrics (excerpt of http://127.0.0.1:9810/metrics in the lb namespace)"
in_ns lb curl -s 127.0.0.1:9810/metrics | grep -E '^lb_(vip_packets_total|backend_new_flows_total\{vip="10.210.100.1:80/tcp"|flow_table_entries|dataplane_attached)' || true
