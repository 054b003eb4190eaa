#!/usr/bin/env python3
"""A bounded soak test of the release showcase: 2,000 concurrent keep-alive connections do
mixed requests for a few minutes while 200 slowloris connections trickle header bytes.

It passes when no normal request fails, the server's memory is flat (over the second half of
the run, RSS grows no more than 10%: allocator arenas settle in the first half, a leak keeps
growing) and no file descriptor leaks (open fds back to the idle count once the clients are
gone).

Usage: python3 bench/soak.py [--minutes 3] [--connections 2000] [--slowloris 200]
Builds the showcase in release mode first; installs nothing.
"""

import argparse
import asyncio
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REQUESTS = [
    (b"GET / HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /hello/7 HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /json HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /params?a=1&a=2&b HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /cookies HTTP/1.1\r\nHost: soak\r\nCookie: a=1; b=2\r\n\r\n", 200),
    (b"POST /json HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":[1,2,3]}", 200),
    (b"POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: 5\r\n\r\nhello", 200),
    (b"GET /static/css/style.css HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /stream?chunks=20 HTTP/1.1\r\nHost: soak\r\n\r\n", 200),
    (b"GET /nope HTTP/1.1\r\nHost: soak\r\n\r\n", 404),
    (b"DELETE /hello HTTP/1.1\r\nHost: soak\r\n\r\n", 405),
]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


async def read_response(reader):
    """Reads one HTTP/1.1 response (content-length or chunked); returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if length:
        await reader.readexactly(int(length.group(1)))
    elif re.search(rb"(?i)\r\ntransfer-encoding: *chunked", head):
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def client(host, port, deadline, stats):
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        stats["connect_failures"] += 1
        return
    try:
        while time.monotonic() < deadline:
            request, expected = random.choice(REQUESTS)
            writer.write(request)
            await writer.drain()
            status = await asyncio.wait_for(read_response(reader), 30)
            if status == expected:
                stats["ok"] += 1
            else:
                stats["failed"] += 1
            await asyncio.sleep(random.uniform(0, 0.05))
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
        stats["failed"] += 1
        stats.setdefault("errors", []).append(repr(error))
    finally:
        writer.close()


async def slowloris(host, port, deadline, stats):
    """Opens a connection and trickles a never-ending header, reconnecting when cut off."""
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"GET / HTTP/1.1\r\nHost: soak\r\n")
            while time.monotonic() < deadline:
                await asyncio.sleep(1)
                writer.write(b"X-Slow: a\r\n")
                await writer.drain()
        except (OSError, ConnectionError):
            stats["slowloris_cut"] += 1
            await asyncio.sleep(0.5)


async def run(addr, minutes, connections, slow):
    host, port = addr.rsplit(":", 1)
    port = int(port)
    deadline = time.monotonic() + minutes * 60
    stats = {"ok": 0, "failed": 0, "connect_failures": 0, "slowloris_cut": 0}
    tasks = [asyncio.create_task(slowloris(host, port, deadline, stats)) for _ in range(slow)]
    for i in range(connections):
        tasks.append(asyncio.create_task(client(host, port, deadline, stats)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    return stats


def sample_rss(pid, samples, stop):
    """Records the server's RSS every 10 s, for the flatness check."""
    while not stop.wait(10):
        samples.append(rss_kib(pid))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--slowloris", type=int, default=200)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    subprocess.run(["cargo", "build", "--release", "--example", "showcase"], cwd=ROOT, check=True)
    server = subprocess.Popen(
        [os.path.join(ROOT, "target", "release", "examples", "showcase"), "--addr", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        addr = re.match(r"listening on http://(\S+)", server.stdout.readline()).group(1)
        time.sleep(0.5)
        idle_fds = fds(server.pid)
        idle_rss = rss_kib(server.pid)
        # Warm-up: a short run, so allocator arenas reach their working size.
        asyncio.run(run(addr, 0.25, args.connections, 0))
        warm_rss = rss_kib(server.pid)
        import threading
        samples, stop = [], threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, samples, stop))
        sampler.start()
        started = time.monotonic()
        stats = asyncio.run(run(addr, args.minutes, args.connections, args.slowloris))
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        end_rss = rss_kib(server.pid)
        time.sleep(3)  # let lingering closes finish
        end_fds = fds(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)

    errors = stats.pop("errors", [])
    print(f"soak: {args.minutes} min, {args.connections} keep-alive clients, {args.slowloris} slowloris")
    print(f"  normal requests: {stats['ok']:,} ok, {stats['failed']} failed, "
          f"{stats['ok'] / elapsed:,.0f} req/s; connect failures: {stats['connect_failures']}")
    print(f"  slowloris connections cut off by the header timeout: {stats['slowloris_cut']}")
    print(f"  RSS: idle {idle_rss / 1024:.1f} MiB, after warm-up {warm_rss / 1024:.1f} MiB, "
          f"at the end {end_rss / 1024:.1f} MiB")
    print(f"  RSS every 10 s (MiB): {' '.join(f'{s / 1024:.0f}' for s in samples)}")
    print(f"  open fds: idle {idle_fds}, after the clients left {end_fds}")
    print(f"  exit code after SIGTERM: {code}")
    if errors:
        print(f"  first errors: {errors[:5]}")
    # Flat memory: the second half of the run may not grow more than 10% over its start
    # (allocator arenas settle in the first half; a leak keeps growing).
    half = samples[len(samples) // 2:] or [end_rss]
    flat = max(half) <= half[0] * 1.10 + 1024
    ok = (stats["failed"] == 0 and stats["connect_failures"] == 0 and end_fds <= idle_fds + 2
          and flat and code == 0)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
