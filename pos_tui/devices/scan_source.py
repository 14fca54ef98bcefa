"""What every scanner source delivers (a Scan) and how it reports its health (ScannerStatus).

Sources run in their own thread and call back from it; the TUI forwards the calls to its own thread
(``App.call_from_thread``). A source never raises out of its thread: unplugging, a bad read or a
rejected scan become status reports, and the source reconnects with back-off until stopped.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Protocol

from pos_tui.devices.backoff import Backoff
from pos_tui.domain.errors import PosError


@dataclass(frozen=True)
class Scan:
    """One code read by a scanner. ``source`` names the scanner (its config name or path)."""

    code: str
    source: str
    at: datetime


class ScannerState(Enum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RECONNECTING = "reconnecting"
    # Not a connection state: a read that looked like a scan but was refused (too long, bad bytes...).
    REJECTED_SCAN = "rejected_scan"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ScannerStatus:
    """A change a person may need to know about; ``detail`` is a sentence fit for the status bar."""

    source: str
    state: ScannerState
    detail: str
    at: datetime


ScanCallback = Callable[[Scan], None]
StatusCallback = Callable[[ScannerStatus], None]


class ScanSource(Protocol):
    """The shape the rest of the till relies on; every scanner kind offers it."""

    name: str

    def start(self) -> None: ...

    def stop(self, timeout: float = 2.0) -> None: ...

    @property
    def state(self) -> ScannerState: ...


def now_utc() -> datetime:
    return datetime.now(UTC)


class DeviceGone(Exception):
    """Raised inside a source's read loop when the device went away (unplug, EOF, read error)."""


class ReconnectingScanSource(ABC):
    """Runs ``_open`` / ``_read_until_gone`` / ``_close`` in a thread, reconnecting with back-off.

    Subclasses call ``_deliver`` for a good scan and ``_reject`` for a refused one, and raise
    ``DeviceGone`` (or let ``OSError`` escape) when the device stops answering.
    """

    def __init__(
        self,
        name: str,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.name = name
        self._on_scan = on_scan
        self._on_status = on_status
        self._backoff = backoff or Backoff()
        self._stop_requested = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = ScannerState.DISCONNECTED

    @property
    def state(self) -> ScannerState:
        return self._state

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop_requested.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner:{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop_requested.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @abstractmethod
    def _open(self) -> None:
        """Open the device; raise ``OSError`` or ``DeviceGone`` (with a reason) if it is not there."""

    @abstractmethod
    def _read_until_gone(self) -> None:
        """Read and deliver scans until the device goes away or ``_stopping()`` becomes true."""

    @abstractmethod
    def _close(self) -> None:
        """Release the device; must not raise."""

    @abstractmethod
    def _wake(self) -> None:
        """Interrupt a blocking read so ``stop`` returns promptly."""

    def _stopping(self) -> bool:
        return self._stop_requested.is_set()

    def _deliver(self, code: str) -> None:
        self._on_scan(Scan(code=code, source=self.name, at=now_utc()))

    def _reject(self, detail: str) -> None:
        self._report(ScannerState.REJECTED_SCAN, detail)

    def _report(self, state: ScannerState, detail: str) -> None:
        if state is not ScannerState.REJECTED_SCAN:
            self._state = state
        if self._on_status is not None:
            self._on_status(ScannerStatus(source=self.name, state=state, detail=detail, at=now_utc()))

    def _run(self) -> None:
        next_delay = self._backoff.delays()
        while not self._stopping():
            try:
                self._open()
            except (OSError, DeviceGone, PosError) as error:
                # A setting fixed in the config file is picked up on the next attempt too.
                self._wait_before_retry(next_delay(), f"Scanner {self.name} is not available ({error}).")
                continue
            next_delay = self._backoff.delays()
            self._report(ScannerState.CONNECTED, f"Scanner {self.name} is ready.")
            try:
                self._read_until_gone()
                reason = "stopped"
            except (OSError, DeviceGone) as error:
                reason = str(error) or type(error).__name__
            finally:
                self._close()
            if self._stopping():
                break
            self._report(
                ScannerState.DISCONNECTED,
                f"Scanner {self.name} was disconnected ({reason}); check its cable.",
            )
            self._wait_before_retry(next_delay(), "")
        self._report(ScannerState.STOPPED, f"Scanner {self.name} stopped.")

    def _wait_before_retry(self, delay: float, why: str) -> None:
        detail = f"{why} Trying again in {delay:g} s.".strip()
        self._report(ScannerState.RECONNECTING, detail)
        self._stop_requested.wait(delay)
