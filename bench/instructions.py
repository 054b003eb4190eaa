#!/usr/bin/env python3
"""Instructions per request, counted by valgrind's cachegrind: deterministic where CPU time
on a shared machine is not (kernel time is not in it; bench/run.py keeps measuring that).

For each server and route the bench binary runs under
`valgrind --tool=cachegrind --cache-sim=no` twice: once answering N1 requests and once N2,
sent by `h2load --h1 -c 4 -m 1` (with `--h2`: `h2load -c 4 -m 16`, HTTP/2 with prior
knowledge, for bench/h2.py's servers). The difference of the two totals divided by N2 - N1 is the
cost of one request, start-up and shutdown cancelling out.

Usage: python3 bench/instructions.py [--servers hyper,shallot,axum,actix,shallot-1000]
                                     [--routes /,/json,/user/42] [--n1 1000] [--n2 11000]
                                     [--binary PATH]  (an older commit's bench binary, to compare)
                                     [--h2]  (HTTP/2: --servers hyper-h2,shallot,axum,actix-h2c)
Needs: valgrind and h2load (apt-get install valgrind nghttp2-client).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "target", "release", "shallot-bench")


def need(tool, package):
    if shutil.which(tool) is None:
        sys.exit(f"missing `{tool}`: install it with `apt-get install {package}`")


H1_LOAD = ["--h1", "-c", "4", "-m", "1"]
H2_LOAD = ["-c", "4", "-m", "16"]


def total_instructions(server, route, requests, out_dir, binary=BINARY, load=None):
    out_file = os.path.join(out_dir, f"cg-{server}-{requests}.out")
    proc = subprocess.Popen(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out_file}",
         binary, "--server", server, "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.match(r"listening on http://(\S+)", line)
        if not match:
            sys.exit(f"{server} did not start under valgrind: {line!r}")
        url = f"http://{match.group(1)}{route}"
        result = subprocess.run(
            ["h2load", *(load or H1_LOAD), "-n", str(requests), url],
            capture_output=True, text=True, timeout=1800,
        )
        done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", result.stdout)
        if not done or int(done.group(2)) != requests:
            sys.exit(f"{server} {route}: not every request succeeded\n{result.stdout}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    with open(out_file) as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    sys.exit(f"no summary in {out_file}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", default="hyper,shallot,axum,actix,shallot-1000")
    parser.add_argument("--routes", default="/,/json,/user/42")
    parser.add_argument("--n1", type=int, default=1000)
    parser.add_argument("--n2", type=int, default=11000)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--binary", default=BINARY,
                        help="another build of the bench binary (an older commit's, to compare)")
    parser.add_argument("--h2", action="store_true",
                        help="HTTP/2 with prior knowledge, 16 streams per connection")
    args = parser.parse_args()
    load = H2_LOAD if args.h2 else H1_LOAD
    need("valgrind", "valgrind")
    need("h2load", "nghttp2-client")
    if not args.no_build and args.binary == BINARY:
        subprocess.run(["cargo", "build", "--release", "--manifest-path",
                        os.path.join(HERE, "Cargo.toml")], check=True)
    servers = args.servers.split(",")
    routes = args.routes.split(",")
    counts = {}
    with tempfile.TemporaryDirectory() as out_dir:
        for server in servers:
            for route in routes:
                low = total_instructions(server, route, args.n1, out_dir, args.binary, load)
                high = total_instructions(server, route, args.n2, out_dir, args.binary, load)
                counts[(server, route)] = (high - low) / (args.n2 - args.n1)
                print(f"{server} {route}: {counts[(server, route)]:,.0f}", file=sys.stderr)
    print(f"\ninstructions per request (cachegrind, (I(N2) - I(N1)) / (N2 - N1), "
          f"N1 = {args.n1:,}, N2 = {args.n2:,}, h2load {' '.join(load)})\n")
    print("| server | " + " | ".join(f"`{r}`" for r in routes) + " |")
    print("|---|" + "---|" * len(routes))
    for server in servers:
        cells = []
        for route in routes:
            value = counts[(server, route)]
            base_name = "hyper-h2" if args.h2 else "hyper"
            base = counts.get((base_name, route))
            ratio = f" ({value / base:.2f}×)" if base and server != base_name else ""
            cells.append(f"{value:,.0f}{ratio}")
        print(f"| {server} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
