"""Collects what a scanner source reports, as the till would see it."""

from __future__ import annotations

from pos_tui.devices.scan_source import Scan, ScannerState, ScannerStatus


class ScanRecorder:
    """What the till would see: scans and status reports, in order, from the scanner's thread."""

    def __init__(self) -> None:
        self.scans: list[Scan] = []
        self.statuses: list[ScannerStatus] = []

    def codes(self) -> list[str]:
        return [scan.code for scan in self.scans]

    def states(self) -> list[ScannerState]:
        return [status.state for status in self.statuses]

    def rejections(self) -> list[str]:
        return [s.detail for s in self.statuses if s.state is ScannerState.REJECTED_SCAN]
