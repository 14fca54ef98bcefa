"""The chain: head office's ingest into PostgreSQL, and a store's backlog caught up end to end.

    python benchmarks/bench_chain.py                       # 50,000 events
    python benchmarks/bench_chain.py --events 10000

Both on a private PostgreSQL cluster with fsync on (as head office runs it) and a real nats-server,
started in a temporary directory on free ports.

1. Ingest: ``ingest()`` of N sale events (a real sale's payload, chained again N times) in batches
   of 1,000, beside a plain ``COPY`` of the same rows into a table of the same shape (the floor: what
   PostgreSQL costs to take the bytes, before any verifying, chaining or projecting). CPU is this
   process's plus the PostgreSQL backend's (read from /proc), per event; wall-clock events/s printed too.
2. Backlog: a store whose journal holds N entries nobody has sent (`pos demo`), caught up by one
   `pos sync --until-synced` against a running `pos hq serve`: wall time (the figure the issue asks
   for), and the CPU of both processes.
3. A sale beside `pos sync`: sale commits at the till in alternating rounds without and with a
   `pos sync` sending each sale as it is made; each round with it starts timing once the worker has
   caught up (its start, importing nats and connecting, is printed apart, not mixed into the sales).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from pos_tui.ledger.database import GENESIS_HASH, open_ledger
from pos_tui.ledger.entry import JournalEntry
from pos_tui.services.chain.wire import ChainEvent
from pos_tui.services.hq import schema, stores
from pos_tui.services.hq.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pos_tui.services.chain.local_servers import nats_server, postgres_cluster

POS = str(Path(sys.executable).parent / "pos")
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(conn: psycopg.Connection) -> float:
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_cpu(pid: int, children: bool = False) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / TICKS


def cluster_cpu(data: Path) -> float:
    """CPU of the whole PostgreSQL cluster: the postmaster (with its ended children) and its live children."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    total = process_cpu(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def sample_sale() -> JournalEntry:
    from tests.chain.conftest import sell
    from tests.conftest import TEA_BARCODE, make_store

    with tempfile.TemporaryDirectory() as scratch:
        session = make_store(Path(scratch) / "sample.db")
        sale = sell(session, f"3*{TEA_BARCODE}", 150_000)
        entry = session.ledger.conn.execute("SELECT * FROM journal WHERE seq = ?", (sale.seq,)).fetchone()
        legs = session.ledger.conn.execute("SELECT account, amount FROM postings WHERE seq = ? ORDER BY leg",
                                           (sale.seq,)).fetchall()
        session.close()
    seq, event_id, at, day, store, terminal, user, kind, payload, prev_hash, digest = entry
    return JournalEntry(seq, event_id, at, day, store, terminal, user, kind, payload, tuple(legs), prev_hash, digest)


def chained(template: JournalEntry, count: int) -> list[JournalEntry]:
    out, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        entry = dataclasses.replace(template, seq=seq, event_id=str(uuid.uuid4()), prev_hash=prev, hash="")
        entry = dataclasses.replace(entry, hash=entry.expected_hash())
        out.append(entry)
        prev = entry.hash
    return out


def bench_ingest(url: str, count: int, batch: int) -> None:
    entries = chained(sample_sale(), count)
    with psycopg.connect(url, autocommit=True) as conn:
        schema.migrate(conn)
        store = entries[0].store  # head office refuses an entry of another store than its chain's
        stores.add_store(conn, store, "Bench", ["T1"])
        events = [ChainEvent(store, "T1", 1, entry) for entry in entries]
        cpu0, server0, wall0 = time.process_time(), backend_cpu(conn), time.perf_counter()
        for start in range(0, count, batch):
            result = ingest(conn, events[start:start + batch])
            assert result.chained == len(events[start:start + batch]), result.refused[:1]
        ingest_cpu = time.process_time() - cpu0 + backend_cpu(conn) - server0
        ingest_wall = time.perf_counter() - wall0
        held = conn.execute("SELECT seq FROM hq_heads WHERE store = %s", (store,)).fetchone()[0]
        assert held == count
        conn.execute("CREATE TABLE copy_floor (LIKE hq_events INCLUDING ALL)")
        rows = [(store, "T1", 1, e.seq, e.prev_hash, e.hash, e.event_id, e.at, e.day, e.terminal, e.user, e.kind,
                 e.payload_json, json.dumps([list(p) for p in e.postings])) for e in entries]
        cpu0, server0, wall0 = time.process_time(), backend_cpu(conn), time.perf_counter()
        for start in range(0, count, batch):
            with conn.transaction(), conn.cursor() as cur, cur.copy(
                    "COPY copy_floor (store, terminal, epoch, seq, prev_hash, hash, event_id, at, day, entry_terminal,"
                    " username, kind, payload, postings) FROM STDIN") as copy:
                for row in rows[start:start + batch]:
                    copy.write_row(row)
        copy_cpu = time.process_time() - cpu0 + backend_cpu(conn) - server0
        copy_wall = time.perf_counter() - wall0
    print(f"ingest of {count:,} sale events in batches of {batch:,} (verify, insert, chain, project, commit):")
    print(f"  ingest: {ingest_cpu / count * 1e6:7.1f} µs CPU/event ({count / ingest_cpu:8,.0f} events per CPU-s),"
          f" wall {count / ingest_wall:8,.0f} events/s")
    print(f"  COPY  : {copy_cpu / count * 1e6:7.1f} µs CPU/event ({count / copy_cpu:8,.0f} events per CPU-s),"
          f" wall {count / copy_wall:8,.0f} events/s   (the floor, same rows, same run)")
    print(f"  ingest / COPY: {ingest_cpu / copy_cpu:.1f}x the CPU")


def bench_backlog(cluster_url_of: object, data: Path, nats_url: str, events: int, workdir: Path) -> None:
    db = workdir / "backlog.db"
    days = max(1, events // 1000)
    subprocess.run([POS, "demo", "--db", str(db), "--skus", "50", "--days", str(days), "--sales-per-day", "1000",
                    "--lines-per-sale", "2"], check=True, capture_output=True)
    ledger = open_ledger(db, read_only=True)
    head, store_id = ledger.head().seq, ledger.store_info().store_id
    ledger.close()
    url = cluster_url_of("backlog")  # type: ignore[operator]
    env = {**os.environ, "POS_HQ_PG": url}
    subprocess.run([POS, "hq", "init"], check=True, env=env, capture_output=True)
    subprocess.run([POS, "hq", "store", "add", store_id, "--name", "Backlog", "--terminal", "T1"], check=True,
                   env=env, capture_output=True)
    server = subprocess.Popen([POS, "hq", "serve", "--nats", nats_url], env=env, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None and server.stderr.readline().strip() == "ready"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    serve0, pg0 = process_cpu(server.pid), cluster_cpu(data)
    wall0 = time.perf_counter()
    done = subprocess.run([POS, "sync", "--db", str(db), "--nats", nats_url, "--until-synced", "--batch", "1000"],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - wall0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    serve_cpu, pg_cpu = process_cpu(server.pid) - serve0, cluster_cpu(data) - pg0
    server.terminate()
    server.wait()
    assert done.returncode == 0, done.stderr
    sync_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"backlog of {head:,} journal entries ({days} demo days) caught up by pos sync + pos hq serve:")
    total = sync_cpu + serve_cpu + pg_cpu
    print(f"  {wall:.1f} s wall end to end ({head / wall:,.0f} entries/s); CPU: pos sync {sync_cpu:.1f} s,"
          f" pos hq serve {serve_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s; {total:.1f} s in all"
          f" ({head / total:,.0f} entries per CPU-s)")


def caught_up(db: Path, head: int, worker: subprocess.Popen[bytes]) -> None:
    """Once head office's head for the till, as `pos sync` recorded it, reaches ``head``."""
    from pos_tui.services.chain import outbox

    while True:
        ledger = open_ledger(db, read_only=True)
        try:
            state = outbox.sync_state(ledger)
        finally:
            ledger.close()
        if state is not None and state.acked_seq >= head:
            return
        if worker.poll() is not None:
            raise SystemExit(f"pos sync ended with {worker.returncode} before it caught up")
        time.sleep(0.05)


class LockWaits:
    """How long each sale's BEGIN IMMEDIATE took (its wait for the write lock), from the statements'
    trace: the time from BEGIN to the next statement. Costs a Python call per statement, so opt-in."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._begun: float | None = None

    def __call__(self, statement: str) -> None:
        now = time.perf_counter()
        if self._begun is not None:
            self.waits.append(now - self._begun)
            self._begun = None
        if statement.startswith("BEGIN IMMEDIATE"):
            self._begun = now

    def summary(self, over_s: float = 0.001) -> str:
        slow = [wait for wait in self.waits if wait > over_s]
        return (f"{len(slow)} of {len(self.waits)} write transactions waited over {over_s * 1000:g} ms for the"
                f" lock ({sum(slow) * 1000:.0f} ms in all, longest {max(self.waits, default=0) * 1000:.1f} ms)")


def renice_office(pids: list[int], data: Path, nice: int) -> None:
    """Head office's side (`pos hq serve`, nats-server, the PostgreSQL cluster: the postmaster and its
    children, whose later children inherit it) at ``nice``: on this one box, a stand-in for head office
    running on its own machine, as it does in a chain."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            children.append(int(stat.parent.name))
    for pid in [*pids, postmaster, *children]:
        os.setpriority(os.PRIO_PROCESS, pid, nice)


def bench_sale_beside_sync(cluster_url_of: object, data: Path, nats_url: str, workdir: Path, sales: int,
                           sync_nice: int, lock_waits: bool = False, office_nice: int = 0,
                           nats_pid: int | None = None) -> None:
    """Sale commits at the till, alternating rounds with and without `pos sync` running on the same file
    (sending each sale as it is made), so both sides see the same box."""
    from tests.chain.conftest import sell
    from tests.conftest import MILK_BARCODE, make_store

    db = workdir / "till.db"
    session = make_store(db)
    store_id = session.ledger.store_info().store_id
    url = cluster_url_of("beside")  # type: ignore[operator]
    env = {**os.environ, "POS_HQ_PG": url}
    subprocess.run([POS, "hq", "init"], check=True, env=env, capture_output=True)
    subprocess.run([POS, "hq", "store", "add", store_id, "--name", "Till", "--terminal", "T1"], check=True,
                   env=env, capture_output=True)
    server = subprocess.Popen([POS, "hq", "serve", "--nats", nats_url], env=env, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None and server.stderr.readline().strip() == "ready"
    if office_nice:
        renice_office([server.pid, *([nats_pid] if nats_pid else [])], data, office_nice)
    timings: dict[bool, tuple[list[float], list[float]]] = {False: ([], []), True: ([], [])}
    rounds = 4
    starts: list[tuple[float, float]] = []
    waits = {False: LockWaits(), True: LockWaits()}
    for round_no in range(rounds * 2):
        syncing = round_no % 2 == 1
        # At the niceness systemd gives it (systemd/pos-sync.service: Nice=10), unless --sync-nice says else.
        worker = subprocess.Popen([POS, "sync", "--db", str(db), "--nats", nats_url, "--ack-timeout", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  preexec_fn=lambda: os.nice(sync_nice)) if syncing else None
        if worker is not None:
            # Time the sales beside a worker at work, not beside its start (importing nats, connecting,
            # catching up the last round's sales): a round is about as long as that start.
            started = time.perf_counter()
            caught_up(db, session.ledger.head().seq, worker)
            starts.append((time.perf_counter() - started, process_cpu(worker.pid)))
        walls, cpus = timings[syncing]
        if lock_waits:
            session.ledger.conn.set_trace_callback(waits[syncing])
        for _ in range(sales // rounds):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            sell(session, MILK_BARCODE, 30_000)
            walls.append(time.perf_counter() - wall0)
            cpus.append(time.process_time() - cpu0)
        session.ledger.conn.set_trace_callback(None)
        if worker is not None:
            worker.terminate()
            worker.wait()
    server.terminate()
    server.wait()
    session.close()

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    office = f"; head office's side at nice {office_nice}" if office_nice else ""
    print(f"sale commit at the till ({sales:,} sales each way, {rounds} alternating rounds; pos sync at nice"
          f" {sync_nice}{office}), ms:")
    for syncing in (False, True):
        walls, cpus = timings[syncing]
        label = "with pos sync   " if syncing else "without pos sync"
        print(f"  {label}: wall p50 {pct(walls, .5):6.2f} p99 {pct(walls, .99):6.2f};"
              f" CPU p50 {pct(cpus, .5):6.2f} p99 {pct(cpus, .99):6.2f}")
    if lock_waits:
        for syncing in (False, True):
            print(f"  {'with' if syncing else 'without'} pos sync: {waits[syncing].summary()}")
    print(f"  pos sync's start, before each timed round (not timed): {sum(w for w, _ in starts) / len(starts):.2f} s"
          f" wall, {sum(c for _, c in starts) / len(starts):.2f} s CPU on average")
    print(f"  ratio with/without: wall p50 {pct(timings[True][0], .5) / pct(timings[False][0], .5):.2f}x,"
          f" p99 {pct(timings[True][0], .99) / pct(timings[False][0], .99):.2f}x;"
          f" CPU p50 {pct(timings[True][1], .5) / pct(timings[False][1], .5):.2f}x,"
          f" p99 {pct(timings[True][1], .99) / pct(timings[False][1], .99):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--backlog-only", action="store_true")
    parser.add_argument("--sales-only", action="store_true")
    parser.add_argument("--sales", type=int, default=2000)
    parser.add_argument("--sync-nice", type=int, default=10, help="pos sync's niceness (systemd's unit: 10)")
    parser.add_argument("--office-nice", type=int, default=0,
                        help="Head office's side (pos hq serve, nats-server, PostgreSQL) at this niceness: a stand-in"
                             " for head office on its own machine (0: as they are)")
    parser.add_argument("--office-disk", type=Path, default=None,
                        help="Make PostgreSQL's and nats-server's directories here, e.g. a RAM disk (/dev/shm): a"
                             " stand-in for head office's own disk, so its fsyncs do not queue on the till's")
    parser.add_argument("--lock-waits", action="store_true",
                        help="Also time each sale's wait for the write lock (a trace callback: the sales cost more)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f},"
          f" {os.cpu_count()} CPUs")
    office_disk = args.office_disk
    print("head office's files:", office_disk or "the system's temporary directory (the till's disk)")
    with postgres_cluster(durable=True, parent=office_disk) as cluster, nats_server(parent=office_disk) as nats, \
            tempfile.TemporaryDirectory() as scratch:
        if not (args.backlog_only or args.sales_only):
            bench_ingest(cluster.create_database("bench_ingest"), args.events, args.batch)
        if not args.sales_only:
            bench_backlog(cluster.create_database, cluster.directory / "data", nats.url, args.events, Path(scratch))
        bench_sale_beside_sync(cluster.create_database, cluster.directory / "data", nats.url, Path(scratch),
                               args.sales, args.sync_nice, args.lock_waits, args.office_nice, nats.process.pid)
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
