#!/usr/bin/env python3
"""Static files: shallot's static middleware against nginx (issue 15, item 5).

Both servers serve the same folder (shallot three times: its default `FileIo::BlockingPool`,
`shallot-inline` with `FileIo::Inline`, `shallot-cached` with a `FileCache`; nginx twice: plain,
and `nginx-cached` with `open_file_cache`, 1 s validity) at /static/ from one process pinned to core 0 (nginx: one
worker, `sendfile on`, access log off); wrk (-t1) runs pinned to core 1. Rounds interleave the
two servers; each figure is also given as a ratio to nginx in the same round. Cases: a 4 KiB
file (200), the same file with its ETag in If-None-Match (304), and with --big a 1 GiB file
(throughput; the file is created once in the folder and kept for later runs).

Usage: python3 bench/static_nginx.py [--rounds 3] [--duration 5] [--connections 64] [--big]
                                     [--only-big] [--servers shallot,nginx,...]
                                     [--binary PATH]  (an older commit's bench binary, to compare)
The 1 GiB file runs three times --duration, on 4 connections.
Needs: nginx, wrk, taskset (apt-get install nginx wrk util-linux); installs nothing itself.
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
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "target", "release", "shallot-bench")
TICKS = os.sysconf("SC_CLK_TCK")
FOLDER = os.path.join(tempfile.gettempdir(), "shallot-bench-static")
SERVERS = ["shallot", "shallot-inline", "shallot-cached", "nginx", "nginx-cached"]


def need(tool, package):
    if shutil.which(tool) is None:
        sys.exit(f"missing `{tool}`: install it with `apt-get install {package}`")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, limit=30):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port} after {limit} s")


class Shallot:
    def __init__(self, binary, mode="default"):
        # `shallot-inline`: the same middleware with `FileIo::Inline`; `shallot-cached`: with a
        # `FileCache` (1 s window, the default).
        self.name = "shallot" if mode == "default" else f"shallot-{mode}"
        env = dict(os.environ, SHALLOT_BENCH_STATIC=FOLDER)
        if mode == "inline":
            env["SHALLOT_BENCH_STATIC_IO"] = "inline"
        if mode == "cached":
            env["SHALLOT_BENCH_STATIC_CACHE"] = "on"
        self.proc = subprocess.Popen(
            ["taskset", "-c", "0", binary, "--server", "shallot-static", "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )
        match = re.match(r"listening on http://(\S+)", self.proc.stdout.readline())
        if not match:
            self.stop()
            sys.exit("shallot-static did not start")
        self.addr = match.group(1)

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Nginx:
    def __init__(self, cached=False):
        # `nginx-cached`: with `open_file_cache` (1 s validity, as shallot-cached's window).
        self.name = "nginx-cached" if cached else "nginx"
        cache = "open_file_cache max=1000; open_file_cache_valid 1s;" if cached else ""
        self.dir = tempfile.mkdtemp(prefix="shallot-bench-nginx-")
        port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes 1;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    {cache}
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    types {{ application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {FOLDER}/; }}
    }}
}}
""")
        self.proc = subprocess.Popen(
            ["taskset", "-c", "0", "nginx", "-c", conf, "-p", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, self.proc)
        self.addr = f"127.0.0.1:{port}"

    def cpu(self):
        # The master and its worker(s): every process of the server.
        pids = [self.proc.pid] + [
            int(p) for p in subprocess.run(
                ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        return sum(cpu_seconds(pid) for pid in pids)

    def stop(self):
        # SIGQUIT: nginx's graceful stop; only the process this script started.
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def etag_of(addr, path):
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port))) as s:
        s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    match = re.search(rb"(?i)\r\netag: (\S+)\r\n", data)
    if not match:
        sys.exit(f"no ETag from {addr}{path}: {data[:300]!r}")
    return match.group(1).decode()


def wrk(url, duration, connections, header=None):
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    if header:
        command += ["-H", header]
    out = subprocess.run(
        command + [url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    if requests == 0:
        sys.exit(f"{url}: no request completed\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", out)
    bytes_per_s = float(transfer.group(1)) * {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9}[transfer.group(2)]
    if re.search(r"Non-2xx or 3xx responses", out):
        sys.exit(f"{url}: error answers\n{out}")
    return requests, rps, bytes_per_s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--big", action="store_true", help="also a 1 GiB file (throughput)")
    parser.add_argument("--binary", default=BINARY)
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="a comma-separated subset of " + ", ".join(SERVERS))
    parser.add_argument("--only-big", action="store_true", help="only the 1 GiB file")
    args = parser.parse_args()
    for tool, package in [("nginx", "nginx"), ("wrk", "wrk"), ("taskset", "util-linux")]:
        need(tool, package)

    os.makedirs(FOLDER, exist_ok=True)
    small = os.path.join(FOLDER, "4k.bin")
    if not os.path.exists(small):
        with open(small, "wb") as f:
            f.write(os.urandom(4096))
    servers = args.servers.split(",")
    unknown = set(servers) - set(SERVERS)
    if unknown:
        sys.exit(f"unknown servers: {', '.join(sorted(unknown))} (known: {', '.join(SERVERS)})")
    cases = [] if args.only_big else [
        ("4 KiB", "/static/4k.bin", False), ("4 KiB, 304", "/static/4k.bin", True)
    ]
    if args.big or args.only_big:
        big = os.path.join(FOLDER, "1g.bin")
        if not os.path.exists(big):
            with open(big, "wb") as f:
                for _ in range(1024):
                    f.write(os.urandom(1024 * 1024))
        cases.append(("1 GiB", "/static/1g.bin", False))

    results = {}  # (server, case) -> list of (cpu_us, rps, bytes_per_s)
    for round_no in range(args.rounds):
        starts = {
            "shallot": lambda: Shallot(args.binary),
            "shallot-inline": lambda: Shallot(args.binary, "inline"),
            "shallot-cached": lambda: Shallot(args.binary, "cached"),
            "nginx": Nginx,
            "nginx-cached": lambda: Nginx(cached=True),
        }
        order = [starts[name] for name in servers]
        random.shuffle(order)
        for start in order:
            server = start()
            try:
                for case, path, conditional in cases:
                    header = f"If-None-Match: {etag_of(server.addr, path)}" if conditional else None
                    # The big file: 4 connections, and three times as long, so that each
                    # completes several 1 GiB answers even at a few hundred MB/s.
                    big_case = case == "1 GiB"
                    connections = 4 if big_case else args.connections
                    duration = args.duration * 3 if big_case else args.duration
                    before = server.cpu()
                    requests, rps, bps = wrk(f"http://{server.addr}{path}", duration, connections, header)
                    cpu = server.cpu() - before
                    # µs per request; for the big file, of which a run completes only a few
                    # answers, µs per MiB sent (what wrk read in the run).
                    per = bps * duration / 2**20 if big_case else requests
                    results.setdefault((server.name, case), []).append((cpu / per * 1e6, rps, bps))
            finally:
                server.stop()
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    print(f"\n{args.rounds} rounds × {args.duration} s ({args.duration * 3} s for 1 GiB), "
          f"{args.connections} connections (4 for 1 GiB), "
          "server on core 0, wrk on core 1; medians\n")
    print("| case | server | CPU µs/req (per MiB for 1 GiB) | req/s | MB/s | × nginx (req/s; MB/s for 1 GiB) |")
    print("|---|---|---|---|---|---|")
    for case, _, _ in cases:
        # Requests per second for the small file, bytes per second for the big one (a few
        # 1 GiB answers complete in a run; the bytes are what the bar is about).
        measure = 2 if case == "1 GiB" else 1
        for name in servers:
            runs = results[(name, case)]
            cpu = statistics.median(r[0] for r in runs)
            rps = statistics.median(r[1] for r in runs)
            mbs = statistics.median(r[2] for r in runs) / 1e6
            ratio = "–"
            if ("nginx", case) in results:
                ratios = [s[measure] / n[measure] for s, n in zip(runs, results[("nginx", case)])]
                ratio = f"{statistics.median(ratios):.2f}"
            print(f"| {case} | {name} | {cpu:.1f} | {rps:,.0f} | {mbs:,.0f} | {ratio} |")


if __name__ == "__main__":
    main()
