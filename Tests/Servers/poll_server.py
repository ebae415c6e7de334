#!/usr/bin/env python3
"""Scriptable HTTP(S) server for briefingd's polling tests (Python 3 standard library only).

    poll_server.py --root DIR [--tls CERT KEY]

Binds 127.0.0.1 on an ephemeral port, writes the port to DIR/port and prints "PORT <n>".
Each request re-reads DIR/routes.json, so a test changes behaviour by rewriting that file:

    {"/path": {"status": 200, "body": "text" | "body_file": "name in DIR",
               "content_type": "...", "etag": "\"v1\"", "last_modified": "...",
               "headers": {"Retry-After": "1"}, "location": "{base}/other",
               "gzip": true, "chunked": true, "stall_after": 1000, "stall_seconds": 30,
               "delay": 0.5 (seconds before answering),
               "group": "items", "together": 2, "group_total": 5 (see below),
               "sequence": [ {...first response...}, {...second...} ]}}

"{base}" in bodies and locations becomes this server's own base URL. A "sequence" answers
successive requests with successive entries (the last one repeats). ETag / Last-Modified are
honoured: a matching If-None-Match or If-Modified-Since gets 304. Every request is appended to
DIR/requests.jsonl with its path, headers, status, body bytes, arrival time and client port. Requests for
absolute URLs (as sent to a proxy) are routed by the whole URL, so the server doubles as a proxy.

Requests of routes with the same "group" are counted while in flight (from arrival until the server
starts its answer, so never longer than the client waits) and each is recorded with "in_flight",
the count on its arrival. With "together": N a request is held until N of its group are waiting
at once (or "group_total" requests of the group have come, or 30 s passed): a client that fetches
in parallel is then seen doing so however slow the machine, without any timing in the test.
"""
import argparse
import gzip
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNTS = {}
GROUPS = threading.Lock()
IN_FLIGHT = {}  # group -> requests between arrival and the start of their answer
ARRIVED = {}  # group -> requests seen
HELD = {}  # group -> events of requests held until enough of the group are waiting


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    def do_GET(self):  # noqa: N802 - http.server naming
        root = self.server.root
        path = self.path.split("?", 1)[0]
        try:
            with open(os.path.join(root, "routes.json"), encoding="utf-8") as f:
                routes = json.load(f)
        except (OSError, ValueError):
            routes = {}
        route = routes.get(path)
        with LOCK:
            n = COUNTS.get(path, 0)
            COUNTS[path] = n + 1
        if route is None:
            route = {"status": 404, "body": "not found"}
        if "sequence" in route:
            seq = route["sequence"]
            route = seq[min(n, len(seq) - 1)]
        status = route.get("status", 200)
        body = self.body(route, root)
        headers = dict(route.get("headers", {}))
        headers.setdefault("Content-Type", route.get("content_type", "text/plain; charset=utf-8"))
        if "etag" in route:
            headers["ETag"] = route["etag"]
        if "last_modified" in route:
            headers["Last-Modified"] = route["last_modified"]
        if "location" in route:
            headers["Location"] = route["location"].replace("{base}", self.server.base)
        if status == 200 and (
            ("etag" in route and self.headers.get("If-None-Match") == route["etag"])
            or ("last_modified" in route and self.headers.get("If-Modified-Since") == route["last_modified"])
        ):
            status, body = 304, b""
            headers.pop("Content-Type", None)
        if route.get("gzip") and "gzip" in self.headers.get("Accept-Encoding", "") and body:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        chunked = route.get("chunked", False)
        group = route.get("group")
        in_flight = self.arrive(group, route) if group else None
        self.record(path, status, len(body), in_flight)
        if group:
            self.hold(group, route)
        if route.get("delay"):
            time.sleep(route["delay"])
        if group:
            with GROUPS:
                IN_FLIGHT[group] -= 1
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.send_body(body, chunked, route)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def body(self, route, root):
        if "body_file" in route:
            with open(os.path.join(root, route["body_file"]), "rb") as f:
                data = f.read()
        else:
            data = route.get("body", "").encode("utf-8")
        return data.replace(b"{base}", self.server.base.encode())

    def send_body(self, body, chunked, route):
        stall_after = route.get("stall_after")
        first, rest = (body[:stall_after], body[stall_after:]) if stall_after is not None else (body, b"")
        for part in (first, rest):
            if not part:
                continue
            if chunked:
                for i in range(0, len(part), 4096):
                    piece = part[i : i + 4096]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(part)
            self.wfile.flush()
            if part is first and stall_after is not None:
                time.sleep(route.get("stall_seconds", 30))
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def arrive(self, group, route):
        """Counts this request in its group; returns how many of the group are in flight with it."""
        with GROUPS:
            IN_FLIGHT[group] = IN_FLIGHT.get(group, 0) + 1
            ARRIVED[group] = ARRIVED.get(group, 0) + 1
            self.held = threading.Event()
            held = HELD.setdefault(group, [])
            held.append(self.held)
            together = route.get("together", 1)
            if len(held) >= together or ARRIVED[group] >= route.get("group_total", 1 << 30):
                for event in held:
                    event.set()
                held.clear()
            return IN_FLIGHT[group]

    def hold(self, group, route):
        if not self.held.wait(30):
            with GROUPS:
                if self.held in HELD.get(group, []):
                    HELD[group].remove(self.held)

    def record(self, path, status, size, in_flight=None):
        entry = {
            "path": path,
            "status": status,
            "bytes": size,
            "time": time.time(),
            "client_port": self.client_address[1],
            "in_flight": in_flight,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }
        with LOCK, open(os.path.join(self.server.root, "requests.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    # The test runner may spawn us with SIGTERM blocked; be stoppable the ordinary way.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.root = args.root
    scheme = "http"
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    port = server.server_address[1]
    server.base = "%s://127.0.0.1:%d" % (scheme, port)
    with open(os.path.join(args.root, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.root, "port.tmp"), os.path.join(args.root, "port"))
    print("PORT %d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
