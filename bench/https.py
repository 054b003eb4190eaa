#!/usr/bin/env python3
"""HTTPS: shallot's TLS server against axum served by axum-server, both on rustls with the
ring provider and the same throwaway certificate, `GET /` over keep-alive connections
(server CPU per request, as bench/run.py measures it) and over a new connection per request
(TLS handshakes per second). Interleaved rounds; ratios are shallot over axum in each round.

Usage: python3 bench/https.py [--rounds 5] [--duration 5] [--connections 64] [--no-build]
Needs: wrk (apt-get install wrk).
"""

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import TICKS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "target", "release", "shallot-bench")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wrk(url, duration, connections, close):
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s", url]
    if close:
        command[5:5] = ["-H", "Connection: close"]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    return int(re.search(r"(\d+) requests in", out).group(1)), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure(server, duration, connections):
    proc = subprocess.Popen(["taskset", "-c", "0", BINARY, "--server", server, "--addr", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        addr = re.match(r"listening on http://(\S+)", proc.stdout.readline()).group(1)
        url = f"https://{addr}/"
        wrk(url, 1, connections, False)
        before = cpu_seconds(proc.pid)
        requests, _ = wrk(url, duration, connections, False)
        cpu_us = (cpu_seconds(proc.pid) - before) / requests * 1e6
        _, handshakes = wrk(url, duration, connections, True)
        return {"cpu_us": cpu_us, "handshakes": handshakes}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(HERE, "Cargo.toml")], check=True)
    rounds = []
    for round_no in range(args.rounds):
        order = ["shallot-tls", "axum-tls"]
        random.shuffle(order)
        rounds.append({name: measure(name, args.duration, args.connections) for name in order})
        print(f"round {round_no + 1}: {rounds[-1]}", file=sys.stderr)
    med = lambda name, key: statistics.median(r[name][key] for r in rounds)  # noqa: E731
    ratio = lambda key: statistics.median(r["shallot-tls"][key] / r["axum-tls"][key] for r in rounds)  # noqa: E731
    print(f"\n{args.rounds} rounds × {args.duration} s, {args.connections} connections, `GET /` over HTTPS/1.1; medians\n")
    print("| server | CPU µs/req (keep-alive) | handshakes/s (a connection per request) |")
    print("|---|---|---|")
    print(f"| axum + axum-server (rustls, ring) | {med('axum-tls', 'cpu_us'):.2f} | {med('axum-tls', 'handshakes'):,.0f} |")
    print(f"| shallot `with_tls` | {med('shallot-tls', 'cpu_us'):.2f} ({ratio('cpu_us'):.3f}×) | {med('shallot-tls', 'handshakes'):,.0f} ({ratio('handshakes'):.3f}×) |")


if __name__ == "__main__":
    main()
