"""Every key binding of the till, grouped by where it works, as the help screen lists them."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.returns import ReturnDialog
from pos_tui.tui.dialogs.tender import METHOD_KEYS, TenderDialog
from pos_tui.tui.screens.audit import AuditScreen
from pos_tui.tui.screens.bucket import BucketScreen
from pos_tui.tui.screens.counting import CountingScreen
from pos_tui.tui.screens.daybook import DaybookScreen
from pos_tui.tui.screens.orders import OrdersScreen
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from pos_tui.tui.screens.receiving import ReceivingScreen
from pos_tui.tui.screens.reports import ReportsScreen
from pos_tui.tui.screens.stocktakes import StocktakesScreen
from pos_tui.tui.screens.transfers import TransferScanScreen, TransfersScreen
from pos_tui.tui.screens.warehouse import WarehouseScreen


def _rows(app: App[object], bindings: list[Binding]) -> list[tuple[str, str]]:
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    rows = []
    for binding in bindings:
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        rows.append((", ".join(k.strip().upper() if k.startswith("f") else k for k in keys.split(",")),
                     binding.description or binding.action))
    return rows


BUCKET_EXTRA = [("Enter", "add the code typed or the result chosen"), ("3*code", "quantity 3 of the next code"),
                ("scanner", "a burst of keys ending in Enter is a scan, even mid-search")]


def key_groups(app: App[object]) -> list[tuple[str, list[tuple[str, str]]]]:
    tender = _rows(app, TenderDialog.BINDINGS)  # type: ignore[arg-type]
    tender += [(key.upper(), "payment method") for key in METHOD_KEYS] + [("Enter", "take the amount")]
    return [
        ("Everywhere", [*_rows(app, app.BINDINGS), ("ctrl+p", "command palette")]),  # type: ignore[arg-type]
        ("Bucket", [*_rows(app, BucketScreen.BINDINGS), *BUCKET_EXTRA]),  # type: ignore[arg-type]
        ("Payment", tender),
        ("Return", [*_rows(app, ReturnDialog.BINDINGS), ("Enter", "next field")]),  # type: ignore[arg-type]
        ("Warehouse", [*_rows(app, WarehouseScreen.BINDINGS), ("Enter", "the product's detail")]),  # type: ignore[arg-type]
        ("Product", _rows(app, ProductDetailScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Purchase orders", _rows(app, OrdersScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Receiving", [*_rows(app, ReceivingScreen.BINDINGS), ("12*code", "twelve of the next code")]),  # type: ignore[arg-type]
        ("Stocktakes", _rows(app, StocktakesScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Transfers", _rows(app, TransfersScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Transfer by scan", [*_rows(app, TransferScanScreen.BINDINGS), ("12*code", "twelve of the next code")]),  # type: ignore[arg-type]
        ("Counting", [*_rows(app, CountingScreen.BINDINGS), ("scan", "one more of it, on every till's total")]),  # type: ignore[arg-type]
        ("Questions", _rows(app, ConfirmDialog.BINDINGS)),  # type: ignore[arg-type]
        ("Daybook", _rows(app, DaybookScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Reports", _rows(app, ReportsScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Audit", _rows(app, AuditScreen.BINDINGS)),  # type: ignore[arg-type]
    ]
