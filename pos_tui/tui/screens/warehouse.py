"""The stock room: a filtered, keyset-paged product list, its value, and goods in / adjustments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Select

from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.events import BarcodeSpec, ProductDetails
from pos_tui.domain.money import format_quantity
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.catalog import products, warehouse
from pos_tui.services.catalog.products import Product
from pos_tui.services.catalog.warehouse import ProductFilter, StockTiles
from pos_tui.services.session import Session
from pos_tui.tui.access import READ_ONLY
from pos_tui.tui.dialogs.approval import guarded
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.messages import ActionFailed
from pos_tui.tui.paging import KeysetPager
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.screens.product_detail import ProductDetailScreen
from pos_tui.tui.widgets.tiles import Tile

PAGE = 100


@dataclass
class ProductsPage(Message):
    where: ProductFilter
    page: int
    products: list[Product]


@dataclass
class TilesLoaded(Message):
    tiles: StockTiles


@dataclass
class FilterChoices(Message):
    categories: list[str]
    vendors: list[str]


@dataclass
class StockChanged(Message):
    text: str


def signed_quantity(text: str) -> int:
    text = text.strip()
    negative = text.startswith("-")
    quantity = parse_quantity(text.lstrip("+-"))
    return -quantity if negative else quantity


class WarehouseScreen(ModeScreen):
    MODE = "warehouse"
    AUTO_FOCUS = "#wh-search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)", "Next page", priority=True, id="warehouse.next"),
        Binding("pageup", "page(-1)", "Prev page", priority=True, id="warehouse.prev"),
        Binding("f5", "receive", "Receive", priority=True, id="warehouse.receive"),
        Binding("f6", "adjust", "Adjust", priority=True, id="warehouse.adjust"),
        Binding("f7", "price", "Price", priority=True, id="warehouse.price"),
        Binding("f8", "edit", "Edit", priority=True, id="warehouse.edit"),
        Binding("ctrl+l", "toggle_low", "Low stock", priority=True, id="warehouse.low"),
        Binding("ctrl+f", "focus_search", "Search", priority=True, id="warehouse.search"),
        Binding("ctrl+g", "quick_key", "Quick key", show=False, priority=True, id="warehouse.quick_key"),
        Binding("ctrl+o", "orders", "Orders", show=False, priority=True, id="warehouse.orders"),
        Binding("ctrl+k", "stocktakes", "Stocktakes", show=False, priority=True, id="warehouse.stocktakes"),
        Binding("f9", "labels", "Labels", show=False, priority=True, id="warehouse.labels"),
        Binding("ctrl+e", "transfers", "Transfers", show=False, priority=True, id="warehouse.transfers"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.where = ProductFilter()
        self.pager = KeysetPager(0, PAGE)
        self.products: list[Product] = []
        self.pinned: Product | None = None  # the product whose detail screen is open: actions act on it
        self.loaded_version = -1
        self.categories: list[str] = []

    @property
    def session(self) -> Session:
        return self.app.session  # type: ignore[attr-defined, no-any-return]

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Input(placeholder="search name or SKU", id="wh-search", compact=True)
            yield Select[str]([], prompt="Category", id="wh-category", compact=True)
            yield Select[str]([], prompt="Vendor", id="wh-vendor", compact=True)
            yield Checkbox("Low stock", id="wh-low", compact=True)
        with Horizontal(classes="tiles"):
            yield Tile("Stock at cost (net)", id="tile-cost")
            yield Tile("At sale price (gross)", tone="in", id="tile-sale")
            yield Tile("Below reorder level", tone="expense", id="tile-low")
        yield DataTable(id="products", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#products", DataTable)
        for label in ("SKU", "Name", "Category", "On hand", "Reorder", "Price", "Cost"):
            table.add_column(label, key=label)
        self.load_choices()

    def on_screen_resume(self) -> None:
        version = self.app.data_version  # type: ignore[attr-defined]
        if version != self.loaded_version:
            self.loaded_version = version
            self.reload()

    def reload(self, *, keep_page: bool = True) -> None:
        if not keep_page:
            self.pager.reset()
        self.load_page(self.where, self.pager.page, self.pager.start)
        self.load_tiles()

    # --- workers -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="wh-page")
    def load_page(self, where: ProductFilter, page: int, after_id: int) -> None:
        try:
            rows = warehouse.list_products(self.session, where, after_id=after_id, limit=PAGE)
        except PosError as error:
            self.post_message(ActionFailed("warehouse", str(error)))
            return
        self.post_message(ProductsPage(where, page, rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="wh-tiles")
    def load_tiles(self) -> None:
        try:
            self.post_message(TilesLoaded(warehouse.stock_tiles(self.session)))
        except PosError as error:
            self.post_message(ActionFailed("warehouse", str(error)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="wh-choices")
    def load_choices(self) -> None:
        try:
            self.post_message(FilterChoices(warehouse.categories(self.session), warehouse.vendors(self.session)))
        except PosError as error:
            self.post_message(ActionFailed("warehouse", str(error)))

    # --- showing -------------------------------------------------------------------------------

    def on_products_page(self, message: ProductsPage) -> None:
        if message.where != self.where:
            return
        self.products = message.products
        table = self.query_one("#products", DataTable)
        row = table.cursor_row
        table.clear()
        flagged = self.app.low_stock_ids  # type: ignore[attr-defined]
        warn = self.app.current_theme.warning or ""
        money = self.session.currency
        for p in message.products:
            low = p.on_hand < p.reorder_level or p.product_id in flagged
            style = f"bold {warn}" if low else ""
            table.add_row(
                p.sku, Text(p.display_name[:40], style=style), p.category[:16],
                Text(format_quantity(p.on_hand), style=style), format_quantity(p.reorder_level),
                money.format(p.price, symbol=False), money.format(p.cost, symbol=False), key=str(p.product_id),
            )
        if message.products:
            table.move_cursor(row=min(row, len(message.products) - 1))
        first = message.page * PAGE + 1
        self.say(f"Page {message.page + 1}: products {first}–{first + len(message.products) - 1}."
                 " PgDn/PgUp pages, Enter on a row shows it." if message.products else "No products match.")

    def on_tiles_loaded(self, message: TilesLoaded) -> None:
        money = self.session.currency.format
        tiles = message.tiles
        self.query_one("#tile-cost", Tile).show(money(tiles.cost_value), f"{tiles.products:,} products")
        self.query_one("#tile-sale", Tile).show(money(tiles.sale_value))
        self.query_one("#tile-low", Tile).show(f"{tiles.below_reorder:,}", "ctrl+l lists them")

    def on_filter_choices(self, message: FilterChoices) -> None:
        self.categories = message.categories
        self.query_one("#wh-category", Select).set_options((c, c) for c in message.categories)
        self.query_one("#wh-vendor", Select).set_options((v, v) for v in message.vendors)

    def on_action_failed(self, message: ActionFailed) -> None:
        self.app.bell()
        self.say(message.text, "error")

    # --- filtering and paging ------------------------------------------------------------------

    def _set_filter(self, where: ProductFilter) -> None:
        if where != self.where:
            self.where = where
            self.pager.reset()
            self.load_page(where, self.pager.page, self.pager.start)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "wh-search":
            self._set_filter(replace(self.where, text=event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "wh-search":
            self.query_one("#products", DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else str(event.value)
        if event.select.id == "wh-category":
            self._set_filter(replace(self.where, category=value))
        elif event.select.id == "wh-vendor":
            self._set_filter(replace(self.where, vendor=value))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._set_filter(replace(self.where, low_stock=event.value))

    def action_toggle_low(self) -> None:
        box = self.query_one("#wh-low", Checkbox)
        box.value = not box.value

    def action_focus_search(self) -> None:
        self.query_one("#wh-search", Input).focus()

    def action_page(self, step: int) -> None:
        last_id = self.products[-1].product_id if self.products else None
        refusal = self.pager.turn(step, len(self.products), last_id)
        if refusal:
            self.say(refusal)
            return
        self.load_page(self.where, self.pager.page, self.pager.start)

    # --- one product ---------------------------------------------------------------------------

    def current(self) -> Product | None:
        if self.pinned is not None:
            return self.pinned
        table = self.query_one("#products", DataTable)
        if not self.products or table.cursor_row >= len(self.products):
            return None
        return self.products[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"receive", "adjust", "price", "edit"}:
            if self.session.ledger.read_only:
                return False
            return True if self.products else None
        return True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a greyed or hidden change key says when pressed (the app asks)."""
        if self.session.ledger.read_only:
            return READ_ONLY
        return None if self.products else "No product is listed: search for one or clear the filter first."

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        product = self.current()
        if product is not None:
            self.app.push_screen(ProductDetailScreen(self, product))

    def _ask(self, title: str, fields: list[Field], then: Callable[[dict[str, str]], object]) -> None:
        """The form runs ``then`` (a `write`) before it closes: a refusal keeps what was typed."""
        self.app.push_screen(FormDialog(title, fields, act=then))

    def action_receive(self) -> None:
        product = self.current()
        if product is None:
            return
        money = self.session.currency
        self._ask(
            f"Receive {product.display_name}",
            [Field("qty", f"Quantity ({product.unit})"), Field("cost", "Unit cost", money.format(product.cost,
                                                                                                   symbol=False)),
             Field("ref", "Delivery note / PO")],
            lambda a: self.write(
                "receive", lambda approval: products.receive_stock(
                    self.session, [(product.product_id, parse_quantity(a["qty"]), money.parse(a["cost"]))],
                    reference=a["ref"], vendor=product.vendor, approval=approval),
                f"Received {a['qty']} × {product.display_name}."),
        )

    def action_adjust(self) -> None:
        product = self.current()
        if product is None:
            return
        self._ask(
            f"Adjust {product.display_name}",
            [Field("qty", "Change (e.g. -2 for a loss, 3 for a find)"),
             Field("reason", "Reason", choices=tuple(self.session.settings.inventory.adjustment_reasons))],
            lambda a: self.write(
                "adjust", lambda approval: products.adjust_stock(
                    self.session, product.product_id, signed_quantity(a["qty"]), a["reason"], approval=approval),
                f"Adjusted {product.display_name} by {a['qty']}."),
        )

    def action_price(self) -> None:
        product = self.current()
        if product is None:
            return
        money = self.session.currency
        self._ask(
            f"Price of {product.display_name}",
            [Field("price", "New price", money.format(product.price, symbol=False)), Field("reason", "Reason")],
            lambda a: self.write(
                "price", lambda approval: products.change_price(
                    self.session, product.product_id, money.parse(a["price"]), a["reason"], approval=approval),
                f"{product.display_name} now costs {money.format(money.parse(a['price']))}."),
        )

    def action_orders(self) -> None:
        """Purchase orders: make one, receive a delivery against one by scanning."""
        from pos_tui.tui.screens.orders import OrdersScreen

        self.app.push_screen(OrdersScreen())

    def action_stocktakes(self) -> None:
        """Stocktakes: start one, count by scanning, review the variance, post it."""
        from pos_tui.tui.screens.stocktakes import StocktakesScreen

        self.app.push_screen(StocktakesScreen())

    def action_labels(self) -> None:
        """Shelf labels for a whole category (the filter's, else the highlighted product's), on the till's
        printer through its print queue; the product screen's F9 prints one product's."""
        from pos_tui.services.catalog import labels
        from pos_tui.tui.till_printer import till_printer

        product = self.current()
        chosen = self.where.category or (product.category if product is not None else "")

        def print_category(answer: dict[str, str]) -> object:
            category = answer["category"].strip()
            printer = till_printer(self.app, self.session)
            if not printer.enabled:
                raise InvalidInput("No printer is configured, so no label was printed.",
                                   "Set devices.printer.uri in pos.toml, or print with `pos product labels`.")
            to_label = labels.products_to_label(self.session, category=category)
            labels.print_labels(self.session, printer, to_label)
            fault = printer.status().last_error
            said = (f"{len(to_label)} label{'s' if len(to_label) != 1 else ''} of {category} queued on"
                    f" {printer.name}." + (f" {fault}" if fault else ""))
            return lambda: self.say(said, "success")

        self.app.push_screen(FormDialog("Print shelf labels", [
            Field("category", "Category", chosen, choices=tuple(self.categories)),
        ], act=print_category))
    def action_transfers(self) -> None:
        """Transfers between stores: request, ship and receive by scanning."""
        from pos_tui.tui.screens.transfers import TransfersScreen

        self.app.push_screen(TransfersScreen())

    def action_quick_key(self) -> None:
        """The product's place on the bucket's quick-key grid (Ctrl+G there)."""
        from pos_tui.services.inventory import quick_keys

        product = self.current()
        if product is None:
            return
        self._ask(
            f"Quick key for {product.display_name}",
            [Field("position", f"Place in the {product.category or 'Other'} grid (1 first, 0 takes it off)",
                   str(quick_keys.position_of(self.session, product.product_id)))],
            lambda a: self.write(
                "quick key", lambda approval: quick_keys.set_quick_key(
                    self.session, product.sku, quick_keys.parse_position(a["position"]), approval=approval),
                f"{product.display_name}: quick key {a['position'].strip()}."),
        )

    def action_edit(self) -> None:
        product = self.current()
        if product is None:
            return
        money = self.session.currency

        def details(a: dict[str, str]) -> ProductDetails:
            barcodes = tuple(BarcodeSpec(code, mult) for code, mult in
                             products.product_barcodes(self.session, product.product_id))
            return ProductDetails(
                product.sku, a["name"].strip(), a["category"].strip(), a["vendor"].strip(), product.unit,
                money.parse(a["price"]), money.parse(a["cost"]), product.tax_class,
                parse_quantity(a["reorder"]) if a["reorder"].strip() not in {"", "0"} else 0,
                product.group, product.variant, barcodes,
            )

        self._ask(
            f"Edit {product.sku}",
            [Field("name", "Name", product.name), Field("category", "Category", product.category),
             Field("vendor", "Vendor", product.vendor),
             Field("price", "Price", money.format(product.price, symbol=False)),
             Field("cost", "Cost", money.format(product.cost, symbol=False)),
             Field("reorder", "Reorder level", format_quantity(product.reorder_level))],
            lambda a: self.write(
                "edit", lambda approval: products.change_product(self.session, product.product_id, details(a),
                                                               approval=approval),
                f"Saved {product.sku}."),
        )

    def write(self, what: str, change: object, done: str) -> None:
        """In the form's worker: a refusal (a `PosError`) keeps the form open; ``what`` names the change."""
        guarded(self.app, change)  # type: ignore[arg-type]  # a supervisor approves what the role lacks
        self.post_message(StockChanged(done))

    def on_stock_changed(self, message: StockChanged) -> None:
        self.say(message.text, "success")
        self.app.data_changed()  # type: ignore[attr-defined]
        self.loaded_version = self.app.data_version  # type: ignore[attr-defined]
        self.reload()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Receive stock", "Goods in for the highlighted product (F5)", "screen.receive"),
            ("Adjust stock", "A count correction or loss, with a reason (F6)", "screen.adjust"),
            ("Change price", "A new shelf price for the highlighted product (F7)", "screen.price"),
            ("Show low stock only", "Products below their reorder level (Ctrl+L)", "screen.toggle_low"),
            ("Quick key", "Put the highlighted product on the bucket's quick-key grid (Ctrl+G)", "screen.quick_key"),
            ("Purchase orders", "Make an order, receive a delivery by scanning (Ctrl+O)", "screen.orders"),
            ("Stocktakes", "Start a count, count by scanning, review and post the variance (Ctrl+K)",
             "screen.stocktakes"),
            ("Print shelf labels", "Labels for every product of a category (F9)", "screen.labels"),
            ("Transfers", "Request, ship and receive stock between stores by scanning (Ctrl+E)", "screen.transfers"),
        ]
