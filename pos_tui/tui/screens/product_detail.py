"""One product from the warehouse list: every field, its barcodes, stock and value, the latest stock
movements; receive, adjust, price and edit from here (each a journal event, as from the list).

Lives on the warehouse mode's stack: Escape goes back to the list where it was. The changes go through
the warehouse screen's own actions (and their supervisor approvals), pinned to this product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pos_tui.domain.errors import PosError
from pos_tui.domain.money import format_quantity, round_div
from pos_tui.domain.tax import TaxPolicy, net_price
from pos_tui.services.catalog import products, warehouse
from pos_tui.services.catalog.products import Product
from pos_tui.services.catalog.warehouse import StockMovement, StockValue
from pos_tui.services.chain import elsewhere
from pos_tui.services.chain.elsewhere import Elsewhere
from pos_tui.tui.access import READ_ONLY
from pos_tui.tui.screens.base import StatusLine

if TYPE_CHECKING:
    from pos_tui.services.session import Session


class StockRoom(Protocol):
    """What the product screen asks of the screen that opened it (the warehouse): which product its
    stock actions work on, and the actions themselves. A protocol, so the two screens need no import
    each way."""

    pinned: Product | None

    def action_receive(self) -> None: ...
    def action_adjust(self) -> None: ...
    def action_price(self) -> None: ...
    def action_edit(self) -> None: ...
    def action_quick_key(self) -> None: ...

MOVEMENTS = 50
KIND_WORDS = {"sale.completed": "sale", "sale.returned": "return", "stock.received": "received",
              "stock.adjusted": "adjusted"}


@dataclass
class OtherStoresAnswered(Message):
    """Head office's answer about the other stores' stock of ``sku``, or why there is none (``failed``)."""

    sku: str
    found: Elsewhere | None
    failed: str = ""


def other_stores_line(sku: str, found: Elsewhere, local: Callable[[datetime], datetime], now: datetime) -> str:
    """"Other stores (head office, as of 14:02): Store B 12 · Store C 0 · in transit 5": the stores that
    have ``sku``, as head office last heard from them (the oldest of their syncs: every figure is at least
    that recent)."""
    mine = found.of(sku)
    if mine is None or not mine.stores:
        said = f"Other stores (head office): no other store has {sku}"
    else:
        as_of = ""
        if found.as_of is not None:
            synced = local(datetime.fromisoformat(found.as_of))
            as_of = ", as of " + synced.strftime("%H:%M" if synced.date() == local(now).date() else "%d %b %H:%M")
        said = f"Other stores (head office{as_of}): " + " · ".join(
            f"{level.name} {format_quantity(level.on_hand)}" for level in mine.stores)
    if mine is not None and mine.in_transit:
        said += f" · in transit {format_quantity(mine.in_transit)}"
        if mine.to_here:
            said += f" ({format_quantity(mine.to_here)} to this store)"
    return said


@dataclass
class ProductLoaded(Message):
    product: Product
    barcodes: list[tuple[str, int]]
    movements: list[StockMovement]
    value: StockValue


def percent(bp: int) -> str:
    """Basis points as people write a rate: 1700 -> "17%", 1250 -> "12.5%"."""
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + "%"


def fields_table(product: Product, barcodes: list[tuple[str, int]], money: object, policy: TaxPolicy,
                 value: StockValue | None = None) -> Table:
    """A pure render of the product's fields, two label/value pairs a row. ``value``: the stock's worth as
    ``warehouse.stock_value`` figures it, the same figure as the warehouse's tile and the valuation report
    ("…" until it is loaded)."""
    fmt = money.format  # type: ignore[attr-defined]
    # Earned on the price without its tax: the tax inside a tax-inclusive price is never the store's.
    net = net_price(product.price, product.tax_rate_bp, policy)
    margin = fmt(net - product.cost)
    if net > 0:
        bp = round_div((net - product.cost) * 10_000, net)
        margin += f" ({'-' if bp < 0 else ''}{percent(abs(bp))})"  # of the net price
    tax = f"{product.tax_class} ({percent(product.tax_rate_bp)})"
    if product.price != net:
        tax += f": {fmt(product.price - net)}"  # the tax inside the price
    low = product.on_hand < product.reorder_level
    on_hand = Text(f"{format_quantity(product.on_hand)} {product.unit}", style="bold" if low else "")
    if low:
        on_hand.append("  below reorder level", style="bold")
    codes = ", ".join(code if mult == 1000 else f"{code} (×{format_quantity(mult)})" for code, mult in barcodes)
    rows = [
        ("SKU", product.sku, "Barcodes", codes or "—"),
        ("Category", product.category or "—", "Vendor", product.vendor or "—"),
        ("Group", product.group or "—", "Variant", product.variant or "—"),
        ("Price", fmt(product.price), "Cost", fmt(product.cost)),
        ("Margin", margin, "Tax", tax),
        ("On hand", on_hand, "Reorder at", format_quantity(product.reorder_level)),
        ("Stock at cost", "…" if value is None else fmt(value.at_cost), "At sale price",
         "…" if value is None else fmt(value.at_retail)),
    ]
    table = Table.grid(padding=(0, 2), expand=True)
    for _ in range(2):
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
    for row in rows:
        table.add_row(*row)
    return table


class ProductDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    ProductDetailScreen #detail-body { padding: 0 1; }
    ProductDetailScreen #detail-title { text-style: bold; color: $primary; margin: 1 0 0 0; }
    ProductDetailScreen #detail-fields { height: auto; margin: 1 0; padding: 0 1; border: round $panel-lighten-2; }
    ProductDetailScreen #other-stores { height: auto; margin: 0 0 1 0; padding: 0 1; color: $text-muted; }
    ProductDetailScreen #movements-title { color: $text-muted; }
    ProductDetailScreen #detail-movements { height: 1fr; }
    ProductDetailScreen #status { height: auto; max-height: 3; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the list", priority=True, id="product.back"),
        Binding("f5", "receive", "Receive", priority=True, id="product.receive"),
        Binding("f6", "adjust", "Adjust", priority=True, id="product.adjust"),
        Binding("f7", "price", "Price", priority=True, id="product.price"),
        Binding("f8", "edit", "Edit", priority=True, id="product.edit"),
        Binding("ctrl+g", "quick_key", "Quick key", show=False, priority=True, id="product.quick_key"),
        Binding("f9", "labels", "Print label", show=False, priority=True, id="product.labels"),
    ]

    def __init__(self, warehouse_screen: StockRoom, product: Product) -> None:
        super().__init__()
        self.warehouse_screen = warehouse_screen
        self.product = product
        self.loaded_version = -1

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-body"):
            yield Static("", id="detail-title", markup=False)
            yield Static("", id="detail-fields")
            if elsewhere.in_chain(self.session.settings):  # a store in no chain has no one to ask
                yield Static("Other stores: asking head office…", id="other-stores", markup=False)
            yield Static(f"Latest stock movements (newest first, up to {MOVEMENTS})", id="movements-title")
            yield DataTable(id="detail-movements", cursor_type="row", zebra_stripes=True)
            yield StatusLine(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("When", "Who", "What", "Reason", "Qty", "Unit cost"):
            table.add_column(label, key=label)
        self.warehouse_screen.pinned = self.product
        self.show(self.product, [], [])
        self.set_interval(0.5, self.follow_the_books)
        self.follow_the_books()
        if elsewhere.in_chain(self.session.settings):
            self.ask_other_stores(self.product.sku)

    def on_unmount(self) -> None:
        self.warehouse_screen.pinned = None

    def follow_the_books(self) -> None:
        """Load again when the books moved (a change made here, or a sale at the counter)."""
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            self.load(self.product.product_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="product-detail")
    def load(self, product_id: int) -> None:
        try:
            product = products.get_product(self.session, product_id)
            barcodes = products.product_barcodes(self.session, product_id)
            movements = warehouse.product_movements(self.session, product_id, limit=MOVEMENTS)
            value = warehouse.product_stock_value(self.session, product_id)
        except PosError as error:
            self.app.call_from_thread(self.query_one(StatusLine).say, str(error), "error")
            return
        self.post_message(ProductLoaded(product, barcodes, movements, value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="product-elsewhere")
    def ask_other_stores(self, sku: str) -> None:
        """Head office's answer, in a thread: the screen never waits for the line ([chain] ask_timeout_ms at
        most, 1.5 s by default)."""
        try:
            self.post_message(OtherStoresAnswered(sku, elsewhere.stock_elsewhere(self.session, [sku])))
        except PosError as error:
            self.post_message(OtherStoresAnswered(sku, None, str(error)))
        except Exception as error:  # a fault of ours must not leave "asking head office…" on the page for ever
            self.post_message(OtherStoresAnswered(sku, None, f"could not ask head office ({type(error).__name__});"
                                                             f" ask head office (`pos hq stock {sku}`)."))
            raise

    def on_other_stores_answered(self, message: OtherStoresAnswered) -> None:
        line = self.query_one("#other-stores", Static)
        if message.found is None:
            line.update(f"Other stores: {message.failed}")
            return
        line.update(other_stores_line(message.sku, message.found, self.session.local_time, self.session.clock()))

    def on_product_loaded(self, message: ProductLoaded) -> None:
        self.product = message.product
        self.warehouse_screen.pinned = message.product
        self.show(message.product, message.barcodes, message.movements, message.value)

    def show(self, product: Product, barcodes: list[tuple[str, int]], movements: list[StockMovement],
             value: StockValue | None = None) -> None:
        money = self.session.currency
        self.query_one("#detail-title", Static).update(f"{product.display_name}  ·  {product.sku}")
        self.query_one("#detail-fields", Static).update(fields_table(product, barcodes, money, self.session.tax_policy,
                                                                             value))
        table = self.query_one(DataTable)
        table.clear()
        for m in movements:
            when = self.session.local_time(datetime.fromisoformat(m.at)).strftime("%Y-%m-%d %H:%M")
            style = "" if m.quantity >= 0 else "dim"
            table.add_row(when, m.user, KIND_WORDS.get(m.kind, m.kind), m.reason[:30],
                          Text(format_quantity(m.quantity), style=style, justify="right"),
                          money.format(m.unit_cost, symbol=False))
        self.query_one(StatusLine).say("F5 receive · F6 adjust · F7 price · F8 edit · Esc back to the list")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in {"receive", "adjust", "price", "edit", "quick_key"} and self.session.ledger.read_only)

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        return READ_ONLY if self.session.ledger.read_only else None

    def say(self, text: str, level: str = "info") -> None:
        self.query_one(StatusLine).say(text, level)

    # --- changes go through the warehouse's actions, pinned to this product --------------------

    def action_receive(self) -> None:
        self.warehouse_screen.action_receive()

    def action_adjust(self) -> None:
        self.warehouse_screen.action_adjust()

    def action_price(self) -> None:
        self.warehouse_screen.action_price()

    def action_edit(self) -> None:
        self.warehouse_screen.action_edit()

    def action_quick_key(self) -> None:
        """Its place on the bucket's quick-key grid (0 takes it off)."""
        self.warehouse_screen.action_quick_key()

    def action_labels(self) -> None:
        self.say(f"Printing the label of {self.product.display_name}…")
        self.print_label(self.product)

    @work(thread=True, exclusive=True, exit_on_error=False, group="product-label")
    def print_label(self, product: Product) -> None:
        """Through the till's print queue: a printer that is off keeps the label until it is back."""
        from pos_tui.services.catalog import labels
        from pos_tui.tui.till_printer import till_printer

        try:
            printer = till_printer(self.app, self.session)
            if not printer.enabled:
                said = ("No printer is configured, so no label was printed: set devices.printer.uri.", "error")
            else:
                labels.print_labels(self.session, printer, labels.products_to_label(self.session, code=product.sku))
                fault = printer.status().last_error
                said = (f"The label of {product.display_name} is queued on {printer.name}."
                        + (f" {fault}" if fault else ""), "success")
        except PosError as error:
            said = (str(error), "error")
        self.app.call_from_thread(self.say, *said)

    def action_back(self) -> None:
        self.dismiss(None)
