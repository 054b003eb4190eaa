#!/usr/bin/env python3
"""WebSocket echo throughput: shallot's `websocket` handler against a bare tokio-tungstenite
echo server, 1 KiB text messages over 64 connections, interleaved rounds in one run.

Each server runs on one thread pinned to core 0, the load client (the bench binary's
`--ws-client`, one thread) on core 1. The figure is echoed messages per second; the ratio is
shallot over bare in the same round.

Usage: python3 bench/ws.py [--rounds 5] [--seconds 5] [--connections 64] [--no-build]
"""

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "target", "release", "shallot-bench")


def run(server, seconds, connections):
    proc = subprocess.Popen(["taskset", "-c", "0", BINARY, "--server", server, "--addr", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        addr = re.match(r"listening on http://(\S+)", proc.stdout.readline()).group(1)
        out = subprocess.run(["taskset", "-c", "1", BINARY, "--ws-client", f"ws://{addr}/ws",
                              "--connections", str(connections), "--seconds", str(seconds)],
                             capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
        return float(re.search(r"([\d.]+) messages/s", out).group(1))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(HERE, "Cargo.toml")], check=True)
    ratios, figures = [], {"ws-bare": [], "ws-shallot": []}
    for round_no in range(args.rounds):
        order = list(figures)
        random.shuffle(order)
        this = {name: run(name, args.seconds, args.connections) for name in order}
        for name, value in this.items():
            figures[name].append(value)
        ratios.append(this["ws-shallot"] / this["ws-bare"])
        print(f"round {round_no + 1}: {this}", file=sys.stderr)
    print(f"\n{args.rounds} rounds × {args.seconds} s, {args.connections} connections, 1 KiB text echo; medians\n")
    print("| server | messages/s | × bare tokio-tungstenite |")
    print("|---|---|---|")
    print(f"| bare tokio-tungstenite | {statistics.median(figures['ws-bare']):,.0f} | 1 |")
    print(f"| shallot `websocket` | {statistics.median(figures['ws-shallot']):,.0f} | {statistics.median(ratios):.3f} |")


if __name__ == "__main__":
    main()
