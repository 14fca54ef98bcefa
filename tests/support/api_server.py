"""`pos api serve` in a real process on a free port of 127.0.0.1, for the tests that need the real server."""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BLOCKING_CONFIG = '[pricing]\nnegative_stock = "block"\n'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/openapi.json")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def api_server(store_path: Path, config: Path) -> Iterator[str]:
    """Start the service and wait until it answers (it prints nothing when ready, so ask it); stop it after."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pos_tui.cli.main", "api", "serve", "--port", str(port), "--db", str(store_path),
         "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60  # a bound on a broken start, not a wait for one
        while not _answers(port):
            if server.poll() is not None:
                raise AssertionError(f"pos api serve exited: {server.stderr.read() if server.stderr else ''}")
            if time.monotonic() > deadline:
                raise AssertionError("pos api serve did not answer within a minute")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
