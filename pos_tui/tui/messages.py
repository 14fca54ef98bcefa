"""What the till says happened. Names read like the pipeline:
``BarcodeScanned -> LineAdded -> SaleCompleted -> ReceiptShown``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # for the annotations only: the login screen needs these messages before any service loads
    from pos_tui.devices.scan_source import Scan, ScannerStatus
    from pos_tui.domain.cart import Cart, CartLine
    from pos_tui.services.catalog.products import Product, SearchHit
    from pos_tui.services.selling.sales import CompletedReturn, CompletedSale
    from pos_tui.services.staff.users import User


@dataclass
class LoggedIn(Message):
    user: User


@dataclass
class LoginFailed(Message):
    reason: str
    user: str  # the name typed: the slow-down after wrong tries is per name


@dataclass
class BarcodeScanned(Message):
    code: str
    source: str = "typed"  # "typed", "wedge" (a scanner typing into the field), or a scanner's name


@dataclass
class ScanRejected(Message):
    code: str
    reason: str


@dataclass
class LineAdded(Message):
    index: int
    line: CartLine


@dataclass
class LineChanged(Message):
    index: int
    what: str


@dataclass
class LineVoided(Message):
    index: int
    line: CartLine


@dataclass
class SearchResults(Message):
    query: str
    hits: list[SearchHit]


@dataclass
class ActionFailed(Message):
    """A worker's service call refused or failed; ``text`` is the sentence for the person."""

    what: str
    text: str


@dataclass
class SaleCompleted(Message):
    sale: CompletedSale
    receipt: str  # the receipt as text, for the preview while no printer is configured
    printed: str = ""  # what became of the printed receipt ("" when no printer is configured)


@dataclass
class ReturnCompleted(Message):
    completed: CompletedReturn
    slip: str = ""  # the refund slip, as text
    from_cart: bool = False  # a return without a receipt: the cart's items went back


@dataclass
class CartParked(Message):
    name: str


@dataclass
class CartResumed(Message):
    name: str
    cart: Cart
    customer_id: int | None = None


@dataclass
class LowStockFound(Message):
    products: list[Product]


@dataclass
class DataChanged(Message):
    """The books moved (a sale, a return, stock): lists elsewhere are stale."""

    version: int


# --- the counter's hardware (posted from device threads; handlers run on the UI thread) ----------


@dataclass
class ScannerRead(Message):
    """A configured evdev/serial scanner read a code."""

    scan: Scan


@dataclass
class ScannerStatusChanged(Message):
    status: ScannerStatus


@dataclass
class DevicesChanged(Message):
    """A device's state changed (printer queue, scanner connection): status lines are stale."""
