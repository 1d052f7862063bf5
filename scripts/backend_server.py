#!/usr/bin/python3
"""A backend server for the demo and the end-to-end tests.

HTTP on every address, port --http (dual stack): GET answers the backend's name, POST
answers the name and the number of body bytes received. UDP on port --udp (IPv4 and
IPv6): each datagram is answered with "<name> <datagram>", sent from the address the
datagram was sent to (the VIP), which a server bound to the wildcard address would not
do on its own (IP_PKTINFO / IPV6_PKTINFO).

GET /healthz is the health endpoint for the balancer's http checks: it answers 200 "ok"
unless the file named by --health-file exists, and then the status code written in that
file (e.g. 500; 503 if the file holds no number), read at every request, so a test can
fail one backend's health check while the server itself keeps serving. With --health-port
the same HTTP server (GET /healthz included) also listens on that port, a check port apart
from the service.
"""
import argparse
import os
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux value; Python < 3.12 lacks the name


class DualStackServer(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def health_status(health_file):
    """The status /healthz answers: 200, or the code in health_file while it exists."""
    if health_file is None:
        return 200
    try:
        with open(health_file) as f:
            text = f.read().strip()
    except FileNotFoundError:
        return 200
    except OSError:
        return 503
    return int(text) if text.isdigit() and 100 <= int(text) <= 599 else 503


def handler(name, health_file):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, body, status=200):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.split("?", 1)[0] == "/healthz":
                status = health_status(health_file)
                self.reply("ok\n" if status == 200 else f"{name} unhealthy\n", status)
            else:
                self.reply(f"{name}\n")

        def do_POST(self):
            remaining = int(self.headers.get("Content-Length", "0"))
            received = 0
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                received += len(chunk)
                remaining -= len(chunk)
            self.reply(f"{name} {received}\n")

        def log_message(self, *args):
            pass

    return Handler


def serve_udp(name, family, port):
    try:
        sock = bind_udp(family, port)
    except OSError as error:
        print(f"udp: cannot serve port {port}: {error}", file=sys.stderr, flush=True)
        os._exit(1)
    level, send_opt = (socket.IPPROTO_IP, IP_PKTINFO) if family == socket.AF_INET else (socket.IPPROTO_IPV6, socket.IPV6_PKTINFO)
    prefix = f"{name} ".encode()
    while True:
        try:
            answer(sock, prefix, level, send_opt, family)
        except OSError as error:
            print(f"udp: {error}", file=sys.stderr, flush=True)


def bind_udp(family, port):
    sock = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET:
        sock.bind(("0.0.0.0", port))
        sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    else:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(("::", port))
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    return sock


def answer(sock, prefix, level, send_opt, family):
    data, ancillary, _, peer = sock.recvmsg(65535, socket.CMSG_SPACE(32))
    reply_from = []
    for cmsg_level, cmsg_type, cmsg_data in ancillary:
        if cmsg_level != level or cmsg_type != send_opt:
            continue
        if family == socket.AF_INET:
            # struct in_pktinfo { int ifindex; in_addr spec_dst; in_addr addr; }: answer from addr
            _, _, dst = struct.unpack("i4s4s", cmsg_data[:12])
            reply_from = [(level, send_opt, struct.pack("i4s4s", 0, dst, bytes(4)))]
        else:
            # struct in6_pktinfo { in6_addr addr; int ifindex; }
            dst, _ = struct.unpack("16si", cmsg_data[:20])
            reply_from = [(level, send_opt, struct.pack("16si", dst, 0))]
    sock.sendmsg([prefix + data], reply_from, 0, peer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="what to answer with")
    parser.add_argument("--http", type=int, default=80, help="HTTP port (default 80)")
    parser.add_argument("--udp", type=int, default=5353, help="UDP echo port (default 5353)")
    parser.add_argument("--health-file", metavar="PATH",
                        help="while PATH exists, GET /healthz answers the status code written in it (default: always 200)")
    parser.add_argument("--health-port", type=int, metavar="PORT",
                        help="also serve HTTP, GET /healthz included, on this port")
    args = parser.parse_args()
    for family in (socket.AF_INET, socket.AF_INET6):
        threading.Thread(target=serve_udp, args=(args.name, family, args.udp), daemon=True).start()
    servers = [DualStackServer(("::", args.http), handler(args.name, args.health_file))]
    if args.health_port is not None:
        servers.append(DualStackServer(("::", args.health_port), handler(args.name, args.health_file)))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
