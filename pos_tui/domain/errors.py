"""Errors a person can act on.

Every error raised for bad input carries a sentence saying what went wrong and, where it helps, what
to do next. Screens and commands show ``str(error)``; they never show a traceback.
"""

from __future__ import annotations


class PosError(Exception):
    """Base of every error the till reports to a person."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InvalidInput(PosError):
    """Something a person typed, scanned or imported cannot be used as it is."""


class InvalidAmount(InvalidInput):
    """An amount or quantity that cannot be parsed, is out of range or has too many decimals."""


class BarcodeError(InvalidInput):
    """A scanned or typed code that is not a valid barcode (check digit, length, characters)."""


class UnknownBarcode(InvalidInput):
    """A valid code that matches no product."""


class RuleViolation(PosError):
    """A request that is well-formed but breaks a business rule (short tender, over-return...)."""


class NotFound(PosError):
    """A sale, product, user or cart that does not exist."""


class ConfigError(PosError):
    """A configuration file that cannot be read or validated."""


class LedgerError(PosError):
    """The database cannot be used: not ours, too new, locked, read-only, or damaged."""
