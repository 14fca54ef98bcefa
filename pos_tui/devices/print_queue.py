"""A print queue on disk: a sale never waits for, or is lost to, a printer.

``enqueue`` writes the rendered job as a file (temp file, fsync, rename, fsync of the directory) and
returns at once; a worker thread sends jobs oldest first, retrying with back-off while the printer
is off, unplugged or out of paper. A job leaves the queue only after the transport took every byte.
If the till dies between the last byte and the move to ``done/``, that job prints twice on restart:
a duplicate receipt is better than a lost one.

Spool layout: ``queue/`` waiting jobs, ``done/`` printed jobs (when kept), ``tmp/`` half-written
files (ignored and cleaned), ``bad/`` unreadable files set aside.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.devices.backoff import Backoff
from pos_tui.devices.errors import PrinterUnavailable

if TYPE_CHECKING:
    from pos_tui.devices.printer_transport import PrinterTransport

JOB_SUFFIX = ".job"


class JobKind(Enum):
    RECEIPT = "receipt"
    DUPLICATE = "duplicate"
    TEST = "test"
    DRAWER = "drawer"
    REPORT = "report"
    LABELS = "labels"  # price and shelf labels


@dataclass(frozen=True)
class PrintJob:
    job_id: str
    kind: JobKind
    sale_number: str | None
    created_at: str  # UTC, ISO 8601
    data: bytes


class QueueState(Enum):
    OK = "ok"  # printed everything, or printing now without trouble
    RETRYING = "retrying"
    STOPPED = "stopped"


@dataclass(frozen=True)
class QueueStatus:
    state: QueueState
    pending: int
    last_error: str = ""  # the sentence to show the cashier while retrying

    @property
    def ok(self) -> bool:
        return self.state is QueueState.OK


def _write_durably(directory: Path, name: str, content: bytes, staging: Path) -> Path:
    staged = staging / name
    with open(staged, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    final = directory / name
    os.replace(staged, final)
    _fsync_directory(directory)
    return final


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_job(path: Path) -> PrintJob:
    header, _, data = path.read_bytes().partition(b"\n")
    meta = json.loads(header)
    if len(data) != meta["length"]:
        raise ValueError(f"expected {meta['length']} bytes, found {len(data)}")
    return PrintJob(path.stem, JobKind(meta["kind"]), meta["sale_number"], meta["created_at"], data)


class PrintQueue:
    def __init__(
        self,
        spool_dir: Path,
        transport: PrinterTransport,
        backoff: Backoff | None = None,
        on_status: Callable[[QueueStatus], None] | None = None,
        keep_done: bool = True,
    ) -> None:
        self._transport = transport
        self._backoff = backoff or Backoff(initial=1.0, maximum=60.0)
        self._on_status = on_status
        self._keep_done = keep_done
        self._queue_dir, self._done_dir = spool_dir / "queue", spool_dir / "done"
        self._tmp_dir, self._bad_dir = spool_dir / "tmp", spool_dir / "bad"
        for directory in (self._queue_dir, self._done_dir, self._tmp_dir, self._bad_dir):
            directory.mkdir(parents=True, exist_ok=True)
        for leftover in self._tmp_dir.iterdir():  # a crash mid-enqueue: never renamed, never promised
            leftover.unlink(missing_ok=True)
        self._lock = threading.Lock()
        self._work_arrived = threading.Event()
        self._retry_now = threading.Event()
        self._stop_requested = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = QueueStatus(QueueState.OK, self._count_pending())

    # -- callers (any thread) ---------------------------------------------------------------------

    def enqueue(self, data: bytes, kind: JobKind, sale_number: str | None = None) -> str:
        """Store the job durably and return its id; the printer is not touched here."""
        job_id = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(3)}"
        header = {
            "kind": kind.value,
            "sale_number": sale_number,
            "created_at": datetime.now(UTC).isoformat(),
            "length": len(data),
        }
        content = json.dumps(header, sort_keys=True).encode() + b"\n" + data
        _write_durably(self._queue_dir, job_id + JOB_SUFFIX, content, self._tmp_dir)
        self._publish(pending=self._count_pending())
        self._work_arrived.set()
        return job_id

    def status(self) -> QueueStatus:
        with self._lock:
            return self._status

    def pending_jobs(self) -> list[PrintJob]:
        return [_read_job(path) for path in self._waiting_paths()]

    def retry_now(self) -> None:
        """Skip the rest of the back-off (the cashier pressed "reprint" after fixing the printer)."""
        self._retry_now.set()
        self._work_arrived.set()

    def start(self) -> None:
        if self._thread is None:
            self._stop_requested.clear()
            self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_requested.set()
        self._work_arrived.set()
        self._retry_now.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._publish(state=QueueState.STOPPED)

    # -- worker -----------------------------------------------------------------------------------

    def _run(self) -> None:
        next_delay = self._backoff.delays()
        while not self._stop_requested.is_set():
            waiting = self._waiting_paths()
            if not waiting:
                self._work_arrived.wait()
                self._work_arrived.clear()
                continue
            path = waiting[0]
            try:
                job = _read_job(path)
            except (OSError, ValueError, KeyError) as error:
                self._set_aside(path, error)
                continue
            try:
                self._transport.send(job.data)
            except PrinterUnavailable as error:
                delay = next_delay()
                self._publish(QueueState.RETRYING, len(waiting), str(error))
                self._retry_now.clear()
                self._retry_now.wait(delay)
                continue
            next_delay = self._backoff.delays()
            self._retire(path)
            self._publish(QueueState.OK, len(waiting) - 1, "")

    def _retire(self, path: Path) -> None:
        if self._keep_done:
            os.replace(path, self._done_dir / path.name)
        else:
            path.unlink()
        _fsync_directory(self._queue_dir)

    def _set_aside(self, path: Path, error: Exception) -> None:
        with contextlib.suppress(OSError):
            os.replace(path, self._bad_dir / path.name)
        self._publish(
            last_error=f"A print job file was unreadable ({error}) and was moved to {self._bad_dir}; "
            "reprint that receipt from the sales list.",
            pending=self._count_pending(),
        )

    def _waiting_paths(self) -> list[Path]:
        # Names start with a zero-padded nanosecond time: sorting them is queue order.
        return sorted(self._queue_dir.glob("*" + JOB_SUFFIX))

    def _count_pending(self) -> int:
        return len(self._waiting_paths())

    def _publish(
        self, state: QueueState | None = None, pending: int | None = None, last_error: str | None = None
    ) -> None:
        with self._lock:
            current = self._status
            self._status = QueueStatus(
                state if state is not None else current.state,
                pending if pending is not None else current.pending,
                last_error if last_error is not None else current.last_error,
            )
            status = self._status
        if self._on_status is not None:
            self._on_status(status)
