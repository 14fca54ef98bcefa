"""A network receipt printer on 127.0.0.1 that records what it gets, and can misbehave on cue."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pos_tui.devices.printer_transport import STATUS_REQUEST

STATUS_ONLINE = b"\x12"  # DLE EOT 1 answer: fixed bits only, online, drawer closed


class FakePrinter:
    """Each accepted connection follows the next behaviour in ``misbehaviours``, then "print":

    - "print": read to the end, answer status requests, record the job;
    - "hang": accept and never read nor answer (a printer stuck on a paper jam);
    - ("reset", n): read n bytes, then reset the connection (power cut mid-job).
    """

    def __init__(self, port: int = 0, misbehaviours: list[object] | None = None) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.misbehaviours = list(misbehaviours or [])
        self.jobs: list[bytes] = []  # complete jobs, in arrival order
        self.connections = 0
        self.printed = threading.Condition()
        self._hung: list[socket.socket] = []
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        with self.printed:
            if not self.printed.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise AssertionError(f"printer got {len(self.jobs)} jobs, expected {count}")
            return list(self.jobs)

    def close(self) -> None:
        self._running = False
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        for connection in self._hung:
            connection.close()
        self._thread.join(2)

    def _serve(self) -> None:
        while self._running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            behaviour = self.misbehaviours.pop(0) if self.misbehaviours else "print"
            if behaviour == "print":
                # Like a real printer: one job at a time, in the order the connections came.
                self._handle(connection, behaviour)
            else:
                threading.Thread(target=self._handle, args=(connection, behaviour), daemon=True).start()

    def _handle(self, connection: socket.socket, behaviour: object) -> None:
        if behaviour == "hang":
            self._hung.append(connection)
            return
        if isinstance(behaviour, tuple) and behaviour[0] == "reset":
            received = 0
            while received < behaviour[1]:
                received += len(connection.recv(min(65536, behaviour[1] - received)))
            # SO_LINGER 0 makes close() send RST: the client sees "connection reset".
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
            return
        job = bytearray()
        with connection:
            while chunk := connection.recv(65536):
                job += chunk
                if job.endswith(STATUS_REQUEST):
                    connection.sendall(STATUS_ONLINE)
        with self.printed:
            self.jobs.append(bytes(job.removesuffix(STATUS_REQUEST)))
            self.printed.notify_all()


def free_port() -> int:
    """A port nothing listens on (yet): a printer that is switched off."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@contextmanager
def fake_printer(port: int = 0, misbehaviours: list[object] | None = None) -> Iterator[FakePrinter]:
    printer = FakePrinter(port, misbehaviours)
    try:
        yield printer
    finally:
        printer.close()
