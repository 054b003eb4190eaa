#!/usr/bin/env python3
"""HTTP/2 with prior knowledge: bare hyper's h2 vs shallot vs axum vs actix-web.

The same set-up as bench/run.py (each server on one thread pinned to core 0, the client pinned
to core 1, servers interleaved over rounds in a new random order each round), with h2load
instead of wrk: `h2load -n N -c 4 -m 16` (4 connections, 16 streams in flight on each). The
headline figure is server CPU time per request from /proc/PID/stat, given also as a ratio to
bare hyper's h2 *in the same round*; the median over rounds is the robust number.

Usage: python3 bench/h2.py [--rounds 5] [--requests 200000] [--clients 4] [--streams 16]
Needs: h2load and taskset (apt-get install nghttp2-client util-linux).
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the load harness: Server, build, need, raise_fd_limit)

ROUTES = run.ROUTES
BASE = "hyper-h2"
SERVERS = [BASE, "shallot", "axum", "actix-h2c"]


def h2load(url, requests, clients, streams):
    out = subprocess.run(
        ["taskset", "-c", "1", "h2load", "-n", str(requests), "-c", str(clients), "-m", str(streams), url],
        capture_output=True, text=True, timeout=600,
    ).stdout
    done = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded", out)
    if not done or int(done.group(1)) != requests:
        sys.exit(f"{url}: not every request succeeded\n{out}")
    if not re.search(r"status codes: (\d+) 2xx", out) or int(re.search(r"status codes: (\d+) 2xx", out).group(1)) != requests:
        sys.exit(f"{url}: answers other than 2xx\n{out}")
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    return rps


def measure(server, route, requests, clients, streams):
    url = f"http://{server.addr}{route}"
    before, _ = server.cpu_seconds()
    rps = h2load(url, requests, clients, streams)
    cpu = server.cpu_seconds()[0] - before
    return {"rps": rps, "cpu_us": cpu / requests * 1e6}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    run.need("h2load", "nghttp2-client")
    run.need("taskset", "util-linux")
    if (os.cpu_count() or 1) < 2:
        sys.exit("needs two cores: one for the server, one for h2load")
    run.raise_fd_limit()
    if not args.no_build:
        run.build()
    servers = args.servers.split(",")
    if BASE not in servers:
        servers.insert(0, BASE)

    results = []
    for round_no in range(args.rounds):
        order = servers[:]
        random.shuffle(order)
        this_round = {}
        for name in order:
            server = run.Server(name)
            try:
                h2load(f"http://{server.addr}/", 20_000, args.clients, args.streams)  # warm up
                this_round[name] = {
                    route: measure(server, route, args.requests, args.clients, args.streams)
                    for route in ROUTES
                }
            finally:
                server.stop()
        results.append(this_round)
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    print(f"\n{args.rounds} rounds × {args.requests:,} requests per route, h2load -c {args.clients} "
          f"-m {args.streams} (prior knowledge), server on core 0 (one thread), h2load on core 1; "
          f"medians, ratios to bare hyper's h2 in the same round\n")
    print("| server | route | CPU µs/req | × hyper h2 | req/s | × hyper h2 |")
    print("|---|---|---|---|---|---|")
    for name in servers:
        for route in ROUTES:
            def median(key, ratio):
                return statistics.median(
                    r[name][route][key] / (r[BASE][route][key] if ratio else 1) for r in results)
            print(f"| {name} | `{route}` | {median('cpu_us', False):.2f} | {median('cpu_us', True):.3f} "
                  f"| {median('rps', False):,.0f} | {median('rps', True):.3f} |")


if __name__ == "__main__":
    main()
