"""Errors from scanners, printers, drawers and pole displays that a person can act on."""

from __future__ import annotations

from pos_tui.domain.errors import PosError


class DeviceError(PosError):
    """A device cannot be used: not plugged in, not answering, or set up wrongly."""


class DeviceConfigError(DeviceError):
    """A device address or setting in the configuration cannot be used as written."""


class PrinterUnavailable(DeviceError):
    """The receipt printer did not take a job; the queue keeps it and tries again."""


class ScannerUnavailable(DeviceError):
    """A scanner cannot be opened or read; its source keeps trying to reconnect."""
