"""A demo chain on one machine: a private PostgreSQL, a NATS server, head office and three demo stores
with history, each with its own `pos sync`, all started and stopped together (`pos hq demo`).

Head office's `pos hq serve` and each store's `pos sync` run as child processes of their own, as in
a real chain; their output goes to log files in the demo's directory. The servers' data lives in
temporary directories removed at the end; the stores' files stay in the demo's directory.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.services.chain import local_servers

STORE_NAMES = ("North", "Centre", "South")
SYNC_DEADLINE_S = 600.0
READY_DEADLINE_S = 120.0
STOP_DEADLINE_S = 15.0
NAMESPACE = "pos"


class DemoChainFailed(PosError):
    """A process of the demo chain stopped or never became ready."""


@dataclass(frozen=True)
class DemoStore:
    number: int
    name: str
    db: Path
    store_id: str
    terminal: str
    head_seq: int


@dataclass
class DemoChain:
    """What runs where: the servers' addresses, the stores, and the child processes with their logs."""

    directory: Path
    pg_url: str
    nats_url: str
    stores: list[DemoStore] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def dead(self) -> list[str]:
        """The child processes that have stopped (a running chain has none)."""
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def summary(self) -> list[str]:
        env = f"POS_HQ_PG={self.pg_url}"
        lines = [
            f"PostgreSQL (head office's store of record): {self.pg_url}",
            f"NATS with JetStream: {self.nats_url}",
            f"head office: pos hq serve (pid {self.processes['hq-serve'].pid}), log {self.log('hq-serve')}",
        ]
        for store in self.stores:
            sync = self.processes[f"sync-{store.number}"]
            lines.append(f"store {store.number} {store.name} ({store.store_id}): {store.db},"
                         f" pos sync (pid {sync.pid}), log {self.log(f'sync-{store.number}')}")
        second = self.stores[min(1, len(self.stores) - 1)]
        lines += [
            "Try, in another terminal while this runs:",
            f"  pos --db {second.db}                       # the till of store {second.number}"
            " (PINs: cashier 1234, manager 345678)",
            f"  {env} pos hq report sales-by-day        # every store, by day",
            f"  {env} pos hq report sales-by-day --store {second.store_id}",
            f"  {env} pos hq store list                 # each terminal's head and any alarm",
            f"  pos sync --status --db {second.db}",
        ]
        return lines


def pos_command() -> list[str]:
    """How to run `pos` from here: the script beside this Python, else the module through this Python."""
    beside = Path(sys.executable).parent / "pos"
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-c", "from pos_tui.cli.launch import main; main()"]


def _check_directory(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InvalidInput(f"{directory} already exists and is not empty.",
                           "Choose a new directory for the demo chain, or remove that one.")


def build_stores(settings: Settings, directory: Path, *, skus: int, days: int, sales_per_day: int,
                 say: Callable[[str], None]) -> list[DemoStore]:
    """Three demo stores with different seeds (so different sales), one file each."""
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.demo.store import build_demo

    made = []
    for number, name in enumerate(STORE_NAMES, start=1):
        db = directory / f"store-{number}.db"
        say(f"building store {number} ({name}): {skus} products, {days} days of trading...")
        build_demo(settings, db, skus=skus, days=days, seed=number, sales_per_day=sales_per_day)
        ledger = open_ledger(db, read_only=True)
        try:
            made.append(DemoStore(number, name, db, ledger.store_info().store_id, settings.terminal.id,
                                  ledger.head().seq))
        finally:
            ledger.close()
    return made


def _pos(chain_env: dict[str, str], *args: str) -> None:
    import os

    done = subprocess.run([*pos_command(), *args], capture_output=True, text=True,
                          env={**os.environ, **chain_env})
    if done.returncode != 0:
        raise DemoChainFailed(f"`pos {' '.join(args[:3])}` failed: {(done.stderr or done.stdout).strip()}")


def _start(chain: DemoChain, name: str, args: list[str], chain_env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in a session of its own: Ctrl+C at the terminal reaches the demo, which stops it in order."""
    import os

    log: IO[bytes] = chain.log(name).open("wb")
    try:
        process = subprocess.Popen([*pos_command(), *args], stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **chain_env}, start_new_session=True,
                                   preexec_fn=local_servers.die_with_parent)
    finally:
        log.close()
    chain.processes[name] = process
    return process


def _wait(chain: DemoChain, what: str, done: Callable[[], bool], deadline_s: float) -> None:  # float-ok: seconds
    end = time.monotonic() + deadline_s
    while not done():
        dead = chain.dead()
        if dead:
            tail = chain.log(dead[0]).read_text(errors="replace").strip().splitlines()[-3:]
            raise DemoChainFailed(f"{dead[0]} stopped while waiting for {what}: {' '.join(tail)}",
                                  f"Its log is {chain.log(dead[0])}.")
        if time.monotonic() > end:
            raise DemoChainFailed(f"waited {deadline_s:.0f} s for {what}.", f"See the logs in {chain.directory}.")
        time.sleep(0.1)


def acked_seq(db: Path) -> int:
    """Head office's verified head for this store file, as the store last heard it."""
    from pos_tui.ledger.database import open_ledger
    from pos_tui.services.chain import outbox

    ledger = open_ledger(db, read_only=True)
    try:
        state = outbox.sync_state(ledger)
        return state.acked_seq if state else 0
    finally:
        ledger.close()


def stop(chain: DemoChain) -> None:
    """Stop the stores' sync workers, then head office: SIGTERM, and SIGKILL for one that lingers."""
    order = [name for name in chain.processes if name.startswith("sync-")] + ["hq-serve"]
    for name in order:
        process = chain.processes.get(name)
        if process is not None and process.poll() is None:
            process.terminate()
    for name in order:
        process = chain.processes.get(name)
        if process is None:
            continue
        try:
            process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def demo_chain(settings: Settings, directory: Path, *, skus: int = 200, days: int = 7, sales_per_day: int = 40,
               say: Callable[[str], None] = lambda line: None) -> Iterator[DemoChain]:
    """Bring the chain up and yield it once head office holds every store's whole journal; stop it all
    (children, NATS, PostgreSQL) when the block ends, however it ends."""
    local_servers.postgres_bin_dir()  # say what to install before building anything
    local_servers.nats_server_binary()
    _check_directory(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stores = build_stores(settings, directory, skus=skus, days=days, sales_per_day=sales_per_day, say=say)
    say("starting PostgreSQL and NATS...")
    with local_servers.postgres_cluster() as cluster, local_servers.nats_server(die_with_parent=True) as nats:
        chain = DemoChain(directory, cluster.create_database("pos_hq"), nats.url, stores)
        chain_env = {"POS_HQ_PG": chain.pg_url, "POS_CHAIN_NAMESPACE": NAMESPACE, "POS_NATS_URL": nats.url}
        try:
            _pos(chain_env, "hq", "init")
            for store in stores:
                _pos(chain_env, "hq", "store", "add", store.store_id, "--name", f"Store {store.number} {store.name}",
                     "--terminal", store.terminal)
            say("starting head office (pos hq serve) and a pos sync per store...")
            _start(chain, "hq-serve", ["hq", "serve"], chain_env)
            _wait(chain, "head office to be ready",
                  lambda: "ready" in chain.log("hq-serve").read_text(errors="replace"), READY_DEADLINE_S)
            for store in stores:
                _start(chain, f"sync-{store.number}", ["sync", "--db", str(store.db)], chain_env)
            _wait(chain, "head office to hold every store's journal",
                  lambda: all(acked_seq(store.db) >= store.head_seq for store in stores), SYNC_DEADLINE_S)
            yield chain
        finally:
            stop(chain)
