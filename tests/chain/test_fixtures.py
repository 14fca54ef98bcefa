"""The chain's test servers are real, and the proxy does what each of its modes says."""

from __future__ import annotations

import socket

import psycopg

from tests.support.chain_servers import BLACKHOLE, DROP_REPLY, PASS, RESET, NatsServer, PostgresCluster, TcpProxy


def test_the_private_postgresql_cluster_answers_on_its_own_port(pg_cluster: PostgresCluster) -> None:
    with psycopg.connect(pg_cluster.url) as conn:
        assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
    assert pg_cluster.port != 5432


def test_the_proxy_passes_then_drops_replies_then_blackholes_then_resets(nats: NatsServer, proxy: TcpProxy) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as line:
        assert line.recv(4096).startswith(b"INFO ")  # nats-server greets through the proxy
        line.sendall(b"CONNECT {}\r\nPING\r\n")
        assert b"PONG" in _until(line, b"PONG")
        proxy.set_mode(DROP_REPLY)
        sent_before = proxy.bytes_to_server
        line.sendall(b"PING\r\n")
        line.settimeout(0.5)
        assert _silent(line)
        assert proxy.bytes_to_server > sent_before  # the request went through; only the reply was lost
        proxy.set_mode(BLACKHOLE)
        line.sendall(b"PING\r\n")
        assert _silent(line)
        proxy.set_mode(RESET)
        try:
            line.sendall(b"PING\r\n")
            assert line.recv(10) == b""
        except (ConnectionResetError, BrokenPipeError):
            pass
    proxy.set_mode(PASS)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as again:
        assert again.recv(4096).startswith(b"INFO ")


def _until(line: socket.socket, marker: bytes) -> bytes:
    seen = b""
    while marker not in seen:
        chunk = line.recv(4096)
        assert chunk, "the line closed"
        seen += chunk
    return seen


def _silent(line: socket.socket) -> bool:
    try:
        return line.recv(4096) == b"__never__"
    except TimeoutError:
        return True
