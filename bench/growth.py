#!/usr/bin/env python3
"""How cost grows (issue 15 item 6): CPU per request from 64 to 1,024 connections, and
instructions per request with route tables of 10 to 10,000 routes. Flat is the goal.

Connections: bench/run.py's set-up (server on core 0, one thread; wrk -t1 on core 1; servers
interleaved over rounds in a new random order each round), `GET /`, each server's figure also as
a ratio to its own figure at 64 connections in the same round.

The same by instructions (deterministic, user space only): bench/instructions.py's count with
`h2load --h1 -c C -m 1` for C = 4, 256, 1,024 (N1 = 20,000 and N2 = 60,000 requests, so that
every connection is made in both runs and its set-up cancels out).

Routes: bench/instructions.py's count (cachegrind, two runs of N1 and N2 requests), on the same
three routes, for the 6-step pile with 10, 4 (`shallot`), 1,000 and 10,000 routes in its table.

Usage: python3 bench/growth.py [--rounds 3] [--duration 5] [--connections 64,256,1024]
                               [--servers hyper,shallot,axum,actix] [--skip-cpu] [--skip-routes]
                               [--skip-connection-count]
Needs: wrk, taskset, valgrind, h2load.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import instructions  # noqa: E402
import run  # noqa: E402

TABLES = [("shallot-10", 10), ("shallot", 4), ("shallot-1000", 1000), ("shallot-10000", 10000)]


def cpu_by_connections(servers, counts, rounds, duration):
    results = []  # per round: {(server, connections): cpu_us}
    for round_no in range(rounds):
        order = servers[:]
        random.shuffle(order)
        this_round = {}
        for name in order:
            server = run.Server(name)
            try:
                run.wrk(f"http://{server.addr}/", 1, counts[0])  # warm up
                for connections in counts:
                    this_round[(name, connections)] = run.measure(server, "/", duration, connections)
            finally:
                server.stop()
        results.append(this_round)
        print(f"round {round_no + 1}/{rounds} done", file=sys.stderr)

    print(f"\nCPU per request by connections: {rounds} rounds × {duration} s, `GET /`, wrk -t1 on core 1, "
          f"server on core 0 (one thread); medians; growth = the figure / the same server's at "
          f"{counts[0]} connections in the same round\n")
    print("| server | " + " | ".join(f"{c} conns µs/req (growth)" for c in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for name in servers:
        cells = []
        for connections in counts:
            value = statistics.median(r[(name, connections)]["cpu_us"] for r in results)
            growth = statistics.median(
                r[(name, connections)]["cpu_us"] / r[(name, counts[0])]["cpu_us"] for r in results)
            cells.append(f"{value:.2f} ({growth:.2f}×)")
        print(f"| {name} | " + " | ".join(cells) + " |")


def instructions_by_connections(servers, counts, n1=20_000, n2=60_000):
    result = {}
    with tempfile.TemporaryDirectory() as out_dir:
        for server in servers:
            for connections in counts:
                load = ["--h1", "-c", str(connections), "-m", "1"]
                low = instructions.total_instructions(server, "/", n1, out_dir, load=load)
                high = instructions.total_instructions(server, "/", n2, out_dir, load=load)
                result[(server, connections)] = (high - low) / (n2 - n1)
                print(f"{server} {connections}: {result[(server, connections)]:,.0f}", file=sys.stderr)
    print(f"\nInstructions per request by connections (cachegrind, `GET /`, N1 = {n1:,}, N2 = {n2:,}, "
          f"h2load --h1 -c C -m 1); growth = against {counts[0]} connections\n")
    print("| server | " + " | ".join(f"{c} conns" for c in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for server in servers:
        base = result[(server, counts[0])]
        cells = [f"{result[(server, c)]:,.0f} ({result[(server, c)] / base:.3f}×)" for c in counts]
        print(f"| {server} | " + " | ".join(cells) + " |")


def instructions_by_routes(n1, n2):
    counts = {}
    with tempfile.TemporaryDirectory() as out_dir:
        for server, _ in TABLES:
            for route in run.ROUTES:
                low = instructions.total_instructions(server, route, n1, out_dir)
                high = instructions.total_instructions(server, route, n2, out_dir)
                counts[(server, route)] = (high - low) / (n2 - n1)
                print(f"{server} {route}: {counts[(server, route)]:,.0f}", file=sys.stderr)
    print(f"\nInstructions per request by route-table size (cachegrind, N1 = {n1:,}, N2 = {n2:,}, "
          f"h2load --h1 -c 4 -m 1); growth = against the 10-route table\n")
    print("| routes in the table | " + " | ".join(f"`{r}`" for r in run.ROUTES) + " |")
    print("|---|" + "---|" * len(run.ROUTES))
    for server, size in TABLES:
        cells = []
        for route in run.ROUTES:
            value = counts[(server, route)]
            base = counts[("shallot-10", route)]
            cells.append(f"{value:,.0f} ({value / base:.3f}×)")
        print(f"| {size:,} (`{server}`) | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", default="64,256,1024")
    parser.add_argument("--servers", default="hyper,shallot,axum,actix")
    parser.add_argument("--n1", type=int, default=1000)
    parser.add_argument("--n2", type=int, default=11000)
    parser.add_argument("--skip-cpu", action="store_true")
    parser.add_argument("--skip-routes", action="store_true")
    parser.add_argument("--skip-connection-count", action="store_true")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    run.raise_fd_limit()
    if not args.no_build:
        run.build()
    if not args.skip_cpu:
        run.need("wrk", "wrk")
        run.need("taskset", "util-linux")
        counts = [int(c) for c in args.connections.split(",")]
        cpu_by_connections(args.servers.split(","), counts, args.rounds, args.duration)
    if not args.skip_connection_count:
        instructions.need("valgrind", "valgrind")
        instructions.need("h2load", "nghttp2-client")
        instructions_by_connections(args.servers.split(","), [4, 256, 1024])
    if not args.skip_routes:
        instructions.need("valgrind", "valgrind")
        instructions.need("h2load", "nghttp2-client")
        instructions_by_routes(args.n1, args.n2)


if __name__ == "__main__":
    main()
