#!/usr/bin/env python3
"""The load harness: bare hyper vs shallot's full pile vs axum vs actix-web.

Each server runs on one thread pinned to core 0; wrk runs pinned to core 1. Servers are
interleaved over several rounds (a new random order each round) and every figure is also
given as a ratio to bare hyper *in the same round*, whose median is the robust number on a
shared, noisy machine. The headline figure is server CPU time per request, read from
/proc/PID/stat before and after each wrk run.

Usage: python3 bench/run.py [--rounds 5] [--duration 5] [--connections 64]
Needs: wrk and taskset (apt-get install wrk util-linux); installs nothing itself.
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "target", "release", "shallot-bench")
ROUTES = ["/", "/json", "/user/42"]
SERVERS = ["hyper", "shallot", "axum", "actix"]
TICKS = os.sysconf("SC_CLK_TCK")


def need(tool, package):
    if shutil.which(tool) is None:
        sys.exit(f"missing `{tool}`: install it with `apt-get install {package}`")


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--manifest-path", os.path.join(HERE, "Cargo.toml")],
        check=True,
    )


def raise_fd_limit():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


class Server:
    def __init__(self, name):
        self.name = name
        self.proc = subprocess.Popen(
            ["taskset", "-c", "0", BINARY, "--server", name, "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=raise_fd_limit,
        )
        line = self.proc.stdout.readline()
        match = re.match(r"listening on http://(\S+)", line)
        if not match:
            self.stop()
            sys.exit(f"{name} did not start: {line!r}")
        self.addr = match.group(1)

    def cpu_seconds(self):
        """(user + system, user) CPU seconds of the whole process so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime and stime are fields 14 and 15 of stat; [0] here is field 3.
        user, system = int(fields[11]) / TICKS, int(fields[12]) / TICKS
        return user + system, user

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wrk(url, duration, connections):
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error answers\n{out}")
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        lat[pct] = value * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]
    return requests, rps, lat["50"], lat["99"]


def measure(server, route, duration, connections):
    url = f"http://{server.addr}{route}"
    before, user_before = server.cpu_seconds()
    requests, rps, p50, p99 = wrk(url, duration, connections)
    after, user_after = server.cpu_seconds()
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "cpu_us": (after - before) / requests * 1e6,
        # The kernel's share (the loopback's sends and receives) is the same work for every
        # pile and most of the noise between rounds; the user share is what the code costs.
        "user_us": (user_after - user_before) / requests * 1e6,
    }


def rss_after_connections(server, count):
    host, port = server.addr.rsplit(":", 1)
    sockets = []
    try:
        for _ in range(count):
            s = socket.create_connection((host, int(port)))
            s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
            sockets.append(s)
        for s in sockets:
            s.settimeout(10)
            data = b""
            while b"Hello, World!" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        time.sleep(0.5)
        return server.rss_kib()
    finally:
        for s in sockets:
            s.close()


def ratio_table(results, servers, key, routes):
    """Median over rounds of (server figure / hyper figure in the same round)."""
    rows = {}
    for name in servers:
        for route in routes:
            ratios = [r[name][route][key] / r["hyper"][route][key] for r in results]
            values = [r[name][route][key] for r in results]
            rows[(name, route)] = (statistics.median(values), statistics.median(ratios))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    need("wrk", "wrk")
    need("taskset", "util-linux")
    if (os.cpu_count() or 1) < 2:
        sys.exit("needs two cores: one for the server, one for wrk")
    raise_fd_limit()
    if not args.no_build:
        build()
    servers = args.servers.split(",")
    if "hyper" not in servers:
        servers.insert(0, "hyper")
    table_servers = servers + ["shallot-1000"]

    results = []
    memory = {name: {"idle": [], "conns": []} for name in servers}
    for round_no in range(args.rounds):
        order = table_servers[:]
        random.shuffle(order)
        this_round = {}
        for name in order:
            server = Server(name)
            try:
                time.sleep(0.3)
                if name in memory:
                    memory[name]["idle"].append(server.rss_kib())
                wrk(f"http://{server.addr}/", 1, args.connections)  # warm up
                this_round[name] = {
                    route: measure(server, route, args.duration, args.connections)
                    for route in ROUTES
                }
                if name in memory:
                    memory[name]["conns"].append(rss_after_connections(server, 1000))
            finally:
                server.stop()
        results.append(this_round)
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    cpu = ratio_table(results, table_servers, "cpu_us", ROUTES)
    user = ratio_table(results, table_servers, "user_us", ROUTES)
    rps = ratio_table(results, table_servers, "rps", ROUTES)
    p50 = ratio_table(results, table_servers, "p50", ROUTES)
    p99 = ratio_table(results, table_servers, "p99", ROUTES)

    print(f"\n{args.rounds} rounds × {args.duration} s, {args.connections} connections, "
          f"server on core 0 (one thread), wrk on core 1; medians, ratios to bare hyper in the same round\n")
    print("| server | route | CPU µs/req | × hyper | user µs/req | req/s | × hyper | p50 µs | p99 µs | p99 × hyper |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in table_servers:
        for route in ROUTES:
            c, cr = cpu[(name, route)]
            u, _ = user[(name, route)]
            r, rr = rps[(name, route)]
            l50, _ = p50[(name, route)]
            l99, l99r = p99[(name, route)]
            print(f"| {name} | `{route}` | {c:.2f} | {cr:.3f} | {u:.2f} | {r:,.0f} | {rr:.3f} | {l50:.0f} | {l99:.0f} | {l99r:.2f} |")

    # What a bigger pile adds to its framework's plain app (`shallot-observed` to `shallot`,
    # `axum-observed` to `axum`): the difference in each round, then the median. Issue 11's
    # bar reads the `shallot-observed` rows.
    piles = [(name, name.split("-")[0]) for name in table_servers
             if "-" in name and name.split("-")[0] in table_servers]
    if piles:
        print("\n| server | route | CPU µs/req added to its plain app | of it user | rounds' range (CPU) |")
        print("|---|---|---|---|---|")
        for name, plain in piles:
            for route in ROUTES:
                added = [r[name][route]["cpu_us"] - r[plain][route]["cpu_us"] for r in results]
                added_user = [r[name][route]["user_us"] - r[plain][route]["user_us"] for r in results]
                print(f"| {name} − {plain} | `{route}` | {statistics.median(added):+.2f} | "
                      f"{statistics.median(added_user):+.2f} | {min(added):+.2f} … {max(added):+.2f} |")

    print("\n| server | RSS idle (MiB) | RSS with 1,000 keep-alive connections (MiB) | × hyper |")
    print("|---|---|---|---|")
    base = statistics.median(memory["hyper"]["conns"])
    for name in servers:
        idle = statistics.median(memory[name]["idle"]) / 1024
        conns = statistics.median(memory[name]["conns"])
        print(f"| {name} | {idle:.1f} | {conns / 1024:.1f} | {conns / base:.2f} |")

    print("\n| route table | route | CPU µs/req | × 3-route table |")
    print("|---|---|---|---|")
    for route in ROUTES:
        ratios = [r["shallot-1000"][route]["cpu_us"] / r["shallot"][route]["cpu_us"] for r in results]
        print(f"| 1,000 routes | `{route}` | {cpu[('shallot-1000', route)][0]:.2f} | {statistics.median(ratios):.3f} |")


if __name__ == "__main__":
    main()
