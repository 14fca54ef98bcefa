"""The integration API's item lookup (see docs/performance.md, "Integration API").

    python benchmarks/bench_api.py                        # a 100,000-SKU demo store built in a temp dir
    python benchmarks/bench_api.py --skus 20000 --seconds 5

``GET /api/items/{sku}`` through `pos api serve` (its own process, uvicorn on 127.0.0.1), driven by a
Python load generator on this box (keep-alive clients on threads, random SKUs), beside the same lookup
in process (``reads.get_item`` on a read-only session) measured in the same run; and the service's
resident memory, idle after start and after the load. Wall-clock latencies: on a shared box the tail is
the scheduler, so the service's CPU time per request is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pos_tui.config import Settings
from pos_tui.ledger.database import open_ledger
from pos_tui.services.api import reads, tokens
from pos_tui.services.demo.store import build_demo
from pos_tui.services.session import Session


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(path: Path, config: Path, port: int) -> subprocess.Popen[bytes]:
    """`pos api serve` in its own process, once it answers."""
    server = subprocess.Popen([sys.executable, "-m", "pos_tui.cli.main", "api", "serve", "--port", str(port),
                               "--db", str(path), "--config", str(config)])
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            if server.poll() is not None:
                raise RuntimeError("pos api serve exited") from None
            time.sleep(0.05)


BARE_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def ok(request):
    return JSONResponse({})

uvicorn.run(Starlette(routes=[Route("/api/openapi.json", ok)]), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning")
"""


def bare_rss_kib() -> int:
    """Baseline: resident memory of an empty Starlette app on uvicorn, once it answers."""
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)])
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5).status_code == 200:
                    return rss_kib(bare.pid)
            except httpx.HTTPError:
                time.sleep(0.05)
    finally:
        bare.terminate()
        bare.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def in_process(session: Session, skus: list[str], count: int) -> tuple[list[float], float]:
    latencies = []
    started = time.perf_counter()
    for sku in random.choices(skus, k=count):
        begin = time.perf_counter_ns()
        reads.get_item(session, sku)
        latencies.append((time.perf_counter_ns() - begin) / 1e6)
    return latencies, count / (time.perf_counter() - started)


def over_http(base: str, secret: str, skus: list[str], clients: int, seconds: float) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        mine, bad = [], 0
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as http:
            while time.perf_counter() < stop:
                sku = random.choice(skus)
                begin = time.perf_counter_ns()
                answer = http.get(f"/api/items/{sku}")
                mine.append((time.perf_counter_ns() - begin) / 1e6)
                bad += answer.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], len(latencies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    random.seed(1)
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        path, config = Path(tmp) / "store.db", Path(tmp) / "pos.toml"
        config.write_text("", encoding="utf-8")
        print(f"building a {args.skus:,}-SKU demo store...", file=sys.stderr)
        build_demo(Settings(), path, skus=args.skus, days=1, seed=1, sales_per_day=50)
        admin = Session(open_ledger(path), Settings(), "admin")
        secret = tokens.add_token(admin, "bench", ["items:read"], acts_as="admin").secret
        skus = [sku for (sku,) in admin.ledger.conn.execute("SELECT sku FROM products")]
        admin.close()

        reader = Session(open_ledger(path, read_only=True), Settings())
        in_process(reader, skus, 500)  # warm the page cache like the service's first requests do
        local, local_rate = in_process(reader, skus, 5000)
        reader.close()

        rows = []
        bare = bare_rss_kib()
        port = free_port()
        server = start_server(path, config, port)
        base, pid = f"http://127.0.0.1:{port}", server.pid
        try:
            idle = rss_kib(pid)
            over_http(base, secret, skus, 1, 1.0)  # warm-up
            for clients in (1, args.clients):
                cpu = cpu_seconds(pid)
                latencies, errors, rate = over_http(base, secret, skus, clients, args.seconds)
                per_request = (cpu_seconds(pid) - cpu) / max(1, len(latencies)) * 1000
                rows.append((clients, latencies, errors, rate, per_request))
            loaded = rss_kib(pid)
        finally:
            server.terminate()
            server.wait()

    print("| Measure | n | p50 ms | p99 ms | requests/s |")
    print("|---|---|---|---|---|")
    print(f"| In process: `reads.get_item` (read-only session, 1 thread) | {len(local)} | "
          f"{statistics.median(local):.3f} | {percentile(local, 99):.3f} | {local_rate:,.0f} |")
    for clients, latencies, errors, rate, per_request in rows:
        print(f"| `GET /api/items/{{sku}}`, {clients} keep-alive client(s) on threads ({errors} errors); service CPU "
              f"{per_request:.2f} ms a request | {len(latencies)} | {statistics.median(latencies):.2f} | "
              f"{percentile(latencies, 99):.2f} | {rate:,.0f} |")
    print(f"\nService resident memory: {idle / 1024:.1f} MiB idle after start, {loaded / 1024:.1f} MiB after the load; "
          f"an empty Starlette app on uvicorn, same run: {bare / 1024:.1f} MiB.")


if __name__ == "__main__":
    main()
