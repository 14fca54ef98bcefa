"""Every key binding of the till, grouped by where it works, as the help screen lists them."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from pos_tui.tui import access
from pos_tui.tui.dialogs.confirm import ConfirmDialog
from pos_tui.tui.dialogs.returns import ReturnDialog
from pos_tui.tui.dialogs.tender import METHOD_KEYS, TenderDialog
from pos_tui.tui.screens.audit import AuditScreen
from pos_tui.tui.screens.bucket import BucketScreen
from pos_tui.tui.screens.counting import CountingScreen
from pos_tui.tui.screens.customers import CustomersScreen
from pos_tui.tui.screens.daybook import DaybookScreen
from pos_tui.tui.screens.floor import FloorScreen
from pos_tui.tui.screens.orders import OrdersScreen
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from pos_tui.tui.screens.receiving import ReceivingScreen
from pos_tui.tui.screens.reports import ReportsScreen
from pos_tui.tui.screens.stocktakes import StocktakesScreen
from pos_tui.tui.screens.table_order import OrderPanel
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
    """The keys the help screen (F11) lists: those of the screens whoever is logged in may open. A cashier
    is not shown the reports' or the audit's keys, nor F4 and Ctrl+Y; a read-only seat no bucket."""
    tender = _rows(app, TenderDialog.BINDINGS)  # type: ignore[arg-type]
    tender += [(key.upper(), "payment method") for key in METHOD_KEYS] + [("Enter", "take the amount")]
    everywhere = [binding for binding in app.BINDINGS
                  if not isinstance(binding, Binding) or _mode_of(binding) is None or _opens(app, _mode_of(binding))]
    groups: list[tuple[str, str | None, list[tuple[str, str]]]] = [
        ("Everywhere", None, [*_rows(app, everywhere), ("ctrl+p", "command palette")]),  # type: ignore[arg-type]
        ("Bucket", "bucket", [*_rows(app, BucketScreen.BINDINGS), *BUCKET_EXTRA]),  # type: ignore[arg-type]
        ("Payment", "bucket", tender),
        ("Return", "bucket", [*_rows(app, ReturnDialog.BINDINGS), ("Enter", "next field")]),  # type: ignore[arg-type]
        ("Warehouse", "warehouse",
         [*_rows(app, WarehouseScreen.BINDINGS), ("Enter", "the product's detail")]),  # type: ignore[arg-type]
        ("Product", "warehouse", _rows(app, ProductDetailScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Purchase orders", "warehouse", _rows(app, OrdersScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Receiving", "warehouse",
         [*_rows(app, ReceivingScreen.BINDINGS), ("12*code", "twelve of the next code")]),  # type: ignore[arg-type]
        ("Stocktakes", "warehouse", _rows(app, StocktakesScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Transfers", "warehouse", _rows(app, TransfersScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Transfer by scan", "warehouse",
         [*_rows(app, TransferScanScreen.BINDINGS), ("12*code", "twelve of the next code")]),  # type: ignore[arg-type]
        ("Counting", "warehouse",
         [*_rows(app, CountingScreen.BINDINGS), ("scan", "one more of it, on every till's total")]),  # type: ignore[arg-type]
        ("Questions", None, _rows(app, ConfirmDialog.BINDINGS)),  # type: ignore[arg-type]
        ("Daybook", "daybook", _rows(app, DaybookScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Reports", "reports", _rows(app, ReportsScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Audit", "audit", _rows(app, AuditScreen.BINDINGS)),  # type: ignore[arg-type]
        ("Customers", "customers",
         [("type", "find by phone, name, email or card"), *_rows(app, CustomersScreen.BINDINGS)]),  # type: ignore[arg-type]
        ("Floor", "floor",
         [("digits, Enter", "open the table of that number"), *_rows(app, FloorScreen.BINDINGS)]),  # type: ignore[arg-type]
        ("Table", "floor", [*_rows(app, OrderPanel.BINDINGS), ("digits", "portion, then modifiers")]),  # type: ignore[arg-type]
    ]
    return [(title, rows) for title, mode, rows in groups if mode is None or _opens(app, mode)]


def _mode_of(binding: Binding) -> str | None:
    """The mode a binding opens (``mode('reports')`` -> "reports"), None for any other action."""
    action = binding.action
    if action.startswith("mode(") and action.endswith(")"):
        return action[len("mode("):-1].strip("'\"")
    return None


def _opens(app: App[object], mode: str | None) -> bool:
    return mode is not None and access.may_enter(app, mode)  # type: ignore[arg-type]
