"""The chain's fixtures: one PostgreSQL cluster and one NATS server for the session (started once:
the suite stays fast), and per test its own PostgreSQL database, its own chain namespace on NATS
(streams and subjects no other test sees), a TCP proxy to NATS, head office's `pos hq serve` and the
stores' `pos sync` as real processes of their own."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from tests.chain.helpers import wait_for
from tests.support.chain_servers import NatsServer, PostgresCluster, TcpProxy, nats_server, postgres_cluster
from tests.support.tls import ServerCertificate, make_certificates

POS = str(Path(sys.executable).parent / "pos")
PROCESS_DEADLINE_S = 180.0
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def nats() -> Iterator[NatsServer]:
    with nats_server() as server:
        yield server


@pytest.fixture
def proxy(nats: NatsServer) -> Iterator[TcpProxy]:
    line = TcpProxy(nats.port)
    yield line
    line.close()


def pos(*args: str, timeout: float = PROCESS_DEADLINE_S, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([POS, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@dataclass
class HeadOffice:
    """One test's head office: a PostgreSQL database of the session's cluster and a chain namespace."""

    pg_url: str
    namespace: str
    nats_url: str
    servers: list[subprocess.Popen[str]] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    """The secure chain's: head office's key and the CA, for `pos hq serve` and `pos sync`."""

    def env(self) -> dict[str, str]:
        return {"POS_HQ_PG": self.pg_url, "POS_CHAIN_NAMESPACE": self.namespace, **self.extra_env}

    def add_store(self, session: Session, *terminals: str) -> str:
        store = session.ledger.store_info().store_id
        args = ["hq", "store", "add", store, "--name", f"Store {store[:4]}"]
        for terminal in terminals or (session.terminal,):
            args += ["--terminal", terminal]
        done = pos(*args, env=self.env())
        assert done.returncode == 0, done.stderr
        return store

    def serve(self, *options: str) -> subprocess.Popen[str]:
        """`pos hq serve`, returned once it says it is ready (its stderr's first line)."""
        process = subprocess.Popen([POS, "hq", "serve", "--nats", self.nats_url, "--ack-wait", "2", *options],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, **self.env()})
        self.servers.append(process)
        assert process.stderr is not None
        first = _read_line(process.stderr, PROCESS_DEADLINE_S)
        assert first.strip() == "ready", f"pos hq serve said {first!r}: {process.stderr.read() if first == '' else ''}"
        return process

    def sync(self, db: Path, nats_url: str | None = None, *options: str, timeout: float = PROCESS_DEADLINE_S
             ) -> subprocess.CompletedProcess[str]:
        return pos("sync", "--db", str(db), "--nats", nats_url or self.nats_url, "--until-synced", *options,
                   timeout=timeout, env=self.env())

    def start_sync(self, db: Path, nats_url: str | None = None, *options: str) -> subprocess.Popen[str]:
        return subprocess.Popen([POS, "sync", "--db", str(db), "--nats", nats_url or self.nats_url, *options],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, **self.env()})

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.pg_url) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def stop(self) -> None:
        for process in self.servers:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _read_line(stream: Any, timeout: float) -> str:
    """A line from a child's pipe, or '' when none comes in ``timeout`` (the child is stuck)."""
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else ""


@pytest.fixture
def hq(pg_cluster: PostgresCluster, nats: NatsServer) -> Iterator[HeadOffice]:
    number = next(_numbers)
    name = f"hq_{os.getpid()}_{number}"
    office = HeadOffice(pg_cluster.create_database(name), f"t{os.getpid()}n{number}", nats.url)
    done = pos("hq", "init", env=office.env())
    assert done.returncode == 0, done.stderr
    yield office
    office.stop()


@dataclass
class SecureChain:
    """A head office whose own nats-server (this test's) requires TLS and a key per terminal, each allowed
    only its own subjects, as `pos hq nats-config` writes them; stores are added as an admin does:
    `pos hq store add`, `pos hq nats-config`, reload the server."""

    office: HeadOffice
    server: NatsServer
    certificates: ServerCertificate
    directory: Path

    @property
    def url(self) -> str:
        return f"tls://127.0.0.1:{self.server.port}"

    @property
    def keys(self) -> Path:
        return self.directory / "keys"

    def add_store(self, session: Session, *terminals: str) -> dict[str, Path]:
        """Register the store with ``terminals``, apply the new authorization; each terminal's key file."""
        return self.register(session.ledger.store_info().store_id, *(terminals or (session.terminal,)))

    def register(self, store: str, *terminals: str) -> dict[str, Path]:
        args = ["hq", "store", "add", store, "--name", f"Store {store[:4]}", "--credentials-dir", str(self.keys)]
        for terminal in terminals:
            args += ["--terminal", terminal]
        done = pos(*args, env=self.office.env())
        assert done.returncode == 0, done.stderr
        made = {line.split()[1]: Path(line.split()[2]) for line in done.stdout.splitlines()}
        self.authorize()
        for key in made.values():
            wait_for(f"nats-server to accept {key.name}", lambda key=key: signs_in(self.url, key, self.certificates))
        return made

    def authorize(self) -> None:
        """`pos hq nats-config` into the file the server includes, then the server reloads it."""
        done = pos("hq", "nats-config", str(self.directory / "authorization.conf"), env=self.office.env())
        assert done.returncode == 0, done.stderr
        if self.server.process.poll() is None:
            self.server.process.send_signal(signal.SIGHUP)


def signs_in(url: str, key: Path, certificates: ServerCertificate) -> bool:
    """Whether ``key`` can connect to the server at ``url`` now (a reload applied)."""
    import asyncio

    import nats
    from nats.errors import Error as NatsError

    from pos_tui.services.chain.access import tls_context

    async def attempt() -> bool:
        try:
            nc = await nats.connect(url, nkeys_seed=str(key), tls=tls_context(certificates.ca_file),
                                    allow_reconnect=False, connect_timeout=2)
        except (NatsError, OSError, TimeoutError):
            return False
        await nc.close()
        return True

    return asyncio.run(attempt())


@pytest.fixture
def secure_hq(pg_cluster: PostgresCluster, tmp_path: Path) -> Iterator[SecureChain]:
    """Like ``hq``, with its own TLS nats-server that admits head office's key and the keys of the stores
    the test adds (``SecureChain.add_store``); `pos hq serve` and `pos sync` get the CA from the env."""
    number = next(_numbers)
    directory = tmp_path / "head-office"
    (directory / "keys").mkdir(parents=True)
    certificates = make_certificates(directory)
    office = HeadOffice(pg_cluster.create_database(f"hq_{os.getpid()}_{number}"), f"t{os.getpid()}n{number}", "",
                        extra_env={"POS_NATS_CA": str(certificates.ca_file),
                                   "POS_HQ_NATS_CREDENTIALS": str(directory / "office.nk")})
    done = pos("hq", "init", env=office.env())
    assert done.returncode == 0, done.stderr
    done = pos("hq", "nats-config", str(directory / "authorization.conf"), env=office.env())
    assert done.returncode == 0, done.stderr
    config = (f'tls {{ cert_file: "{certificates.cert_file}", key_file: "{certificates.key_file}", timeout: 5 }}\n'
              'include "authorization.conf"\n')
    with nats_server(config, directory) as server:
        chain = SecureChain(office, server, certificates, directory)
        office.nats_url = chain.url
        yield chain
        office.stop()


def sell(session: Session, scan: str, paid: int) -> sales.CompletedSale:
    cart = Cart().add(products.resolve_scan(session, scan))
    return sales.complete_sale(session, cart, [Tender("cash", paid)])
