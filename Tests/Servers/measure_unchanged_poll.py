#!/usr/bin/env python3
"""Measures what one poll of an unchanged page costs the running daemon.

    measure_unchanged_poll.py BRIEFINGD FIXTURE [POLLS [SETUP...]]

Runs `briefingd run` against poll_server.py on 127.0.0.1 with `every: 1s` in four setups:
a page answering 304 (ETag) over http and over https (self-signed, `ca_file`), a page answering
200 with the same content, and no sources at all (the idle baseline). For each it reads the daemon's utime+stime from /proc/PID/stat between the
2nd and the (2+POLLS)th poll, and the requests and bytes from the server's and daemon's logs.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def events(log, name):
    out = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if obj.get("event") == name:
                out.append(obj)
    return out


def run(briefingd, fixture, polls, route, tls=False):
    root = tempfile.mkdtemp(prefix="briefingd-measure-")
    try:
        server_root = os.path.join(root, "server")
        os.mkdir(server_root)
        shutil.copy(fixture, os.path.join(server_root, "b.txt"))
        with open(os.path.join(server_root, "routes.json"), "w") as f:
            json.dump({"/b.txt": dict(route or {}, body_file="b.txt")}, f)
        command = [sys.executable, os.path.join(HERE, "poll_server.py"), "--root", server_root]
        extra = ""
        if tls:
            cert, key = os.path.join(root, "cert.pem"), os.path.join(root, "key.pem")
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                 "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            command += ["--tls", cert, key]
            extra = "    ca_file: %s\n" % cert
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        while not os.path.exists(os.path.join(server_root, "port")):
            time.sleep(0.05)
        port = int(open(os.path.join(server_root, "port")).read())
        sources = "sources: []\n"
        if route is not None:
            sources = "sources:\n  - name: m\n    url: %s://127.0.0.1:%d/b.txt\n    every: 1s\n    jitter: 0\n%s" % (
                "https" if tls else "http", port, extra)
        config = os.path.join(root, "c.yaml")
        with open(config, "w") as f:
            f.write(
                "inbox: {path: %s/in, archive: %s/ar, failed: %s/fa}\nsnapshots: {path: %s/sn}\n"
                "state: {path: %s/st}\nlog: {level: info}\n%s" % (root, root, root, root, root, sources))
        log = os.path.join(root, "daemon.log")
        daemon = subprocess.Popen([briefingd, "run", "--config", config], stderr=open(log, "w"))
        try:
            if route is None:
                time.sleep(2)
                start_cpu, start = cpu_seconds(daemon.pid), time.time()
                time.sleep(polls)
                return {"cpu_ms_total": (cpu_seconds(daemon.pid) - start_cpu) * 1000, "seconds": time.time() - start}
            while len(events(log, "poll_finished")) < 2:
                time.sleep(0.01)
            start_cpu, start = cpu_seconds(daemon.pid), time.time()
            while len(events(log, "poll_finished")) < 2 + polls:
                time.sleep(0.01)
            cpu = cpu_seconds(daemon.pid) - start_cpu
            finished = events(log, "poll_finished")[2 : 2 + polls]
            requests = [json.loads(l) for l in open(os.path.join(server_root, "requests.jsonl"))][2 : 2 + polls]
            return {
                "cpu_ms_total": cpu * 1000,
                "seconds": time.time() - start,
                "results": sorted(set(e["result"] for e in finished)),
                "requests_per_poll": sum(e["requests"] for e in finished) / polls,
                "wire_bytes_per_poll": sum(e["bytes"] for e in finished) / polls,
                "server_statuses": sorted(set(r["status"] for r in requests)),
                "poll_duration_ms_avg": sum(e["duration_ms"] for e in finished) / polls,
            }
        finally:
            daemon.terminate()
            daemon.wait()
            server.kill()
            server.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    briefingd, fixture = sys.argv[1], sys.argv[2]
    polls = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    idle = run(briefingd, fixture, polls, None)
    idle_per_second = idle["cpu_ms_total"] / idle["seconds"]
    setups = [("304 (ETag)", {"etag": '"v1"'}, False), ("304 over https", {"etag": '"v1"'}, True),
              # As after a long interval: the server closed the connection, so TLS starts over
              # (with the session the handle cached).
              ("304 over https, connection closed", {"etag": '"v1"', "headers": {"Connection": "close"}}, True),
              ("200 unchanged", {}, False)]
    if len(sys.argv) > 4:
        setups = [s for s in setups if s[0] in sys.argv[4:]]
    for name, route, tls in setups:
        r = run(briefingd, fixture, polls, route, tls)
        r["cpu_ms_per_poll"] = round(r["cpu_ms_total"] / polls, 2)
        r["cpu_ms_per_poll_minus_idle"] = round((r["cpu_ms_total"] - idle_per_second * r["seconds"]) / polls, 2)
        print(name, json.dumps(r, sort_keys=True))
    print("idle", json.dumps({"cpu_ms_per_second": round(idle_per_second, 3)}))


if __name__ == "__main__":
    main()
