"""Cutting a serial scanner's byte stream into scans: CR, LF, CRLF, STX..ETX, or an idle gap.

Pure: fed bytes with a monotonic time, and told when the line has been quiet. A frame still open
when the line goes quiet is a broken read (a partial frame), never a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pos_tui.devices.errors import DeviceConfigError

Framing = Literal["cr", "lf", "crlf", "stx_etx", "idle"]
FRAMINGS: tuple[str, ...] = ("cr", "lf", "crlf", "stx_etx", "idle")
TERMINATORS: dict[str, bytes] = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}
STX, ETX = b"\x02", b"\x03"


@dataclass(frozen=True)
class FramedCode:
    code: str


@dataclass(frozen=True)
class RefusedFrame:
    reason: str


FrameResult = FramedCode | RefusedFrame


class SerialFramer:
    def __init__(
        self,
        framing: str = "cr",
        max_length: int = 128,
        idle_gap: float = 0.05,
        partial_timeout: float = 0.5,
    ) -> None:
        if framing not in FRAMINGS:
            raise DeviceConfigError(
                f"Unknown serial scanner framing {framing!r}.", f"Use one of: {', '.join(FRAMINGS)}."
            )
        self._framing = framing
        self._max_length = max_length
        self._idle_gap = idle_gap
        self._partial_timeout = partial_timeout
        self._buffer = bytearray()
        self._last_byte_at = 0.0

    def feed(self, data: bytes, now: float) -> list[FrameResult]:
        if not data:
            return []
        self._buffer += data
        self._last_byte_at = now
        if self._framing == "idle":
            return self._refuse_overlong()
        if self._framing == "stx_etx":
            return self._cut_stx_etx()
        return self._cut_at(TERMINATORS[self._framing])

    def quiet(self, now: float) -> list[FrameResult]:
        """The line has been silent until ``now``: close an idle frame or drop a partial one."""
        if not self._buffer:
            return []
        silent_for = now - self._last_byte_at
        if self._framing == "idle":
            if silent_for < self._idle_gap:
                return []
            return [self._take(len(self._buffer), 0)]
        if silent_for < self._partial_timeout:
            return []
        dropped = len(self._buffer)
        self._buffer.clear()
        return [
            RefusedFrame(
                f"A partial scan ({dropped} bytes) ended without its end marker and was dropped; "
                "scan again, and check the scanner's suffix setting matches the till."
            )
        ]

    def _cut_at(self, terminator: bytes) -> list[FrameResult]:
        results: list[FrameResult] = []
        while (end := self._buffer.find(terminator)) >= 0:
            results.append(self._take(end, len(terminator)))
        return results + self._refuse_overlong()

    def _cut_stx_etx(self) -> list[FrameResult]:
        results: list[FrameResult] = []
        while True:
            start = self._buffer.find(STX)
            if start < 0:
                if self._buffer:
                    results.append(self._garbage(len(self._buffer)))
                return results
            if start > 0:
                results.append(self._garbage(start))
            end = self._buffer.find(ETX, 1)
            if end < 0:
                return results + self._refuse_overlong()
            del self._buffer[:1]  # the STX
            results.append(self._take(end - 1, len(ETX)))

    def _garbage(self, length: int) -> RefusedFrame:
        del self._buffer[:length]
        return RefusedFrame(
            f"{length} bytes arrived outside a scan frame and were ignored; "
            "check the scanner's prefix/suffix (STX/ETX) setting."
        )

    def _refuse_overlong(self) -> list[FrameResult]:
        if len(self._buffer) <= self._max_length + 2:  # +2: room for the frame markers
            return []
        self._buffer.clear()
        return [self._too_long()]

    def _too_long(self) -> RefusedFrame:
        return RefusedFrame(
            f"A scan longer than {self._max_length} characters was refused; "
            "scan again, or check the scanner sends an end marker after each code."
        )

    def _take(self, length: int, marker_length: int) -> FrameResult:
        payload = bytes(self._buffer[:length])
        del self._buffer[: length + marker_length]
        if not payload:
            return RefusedFrame("An empty scan was ignored.")
        if len(payload) > self._max_length:
            return self._too_long()
        if not all(0x20 <= byte <= 0x7E for byte in payload):
            return RefusedFrame(
                f"A scan with unreadable bytes ({payload[:16].hex(' ')}) was refused; "
                "check the scanner's baud rate and parity match the till's settings."
            )
        return FramedCode(payload.decode("ascii"))
