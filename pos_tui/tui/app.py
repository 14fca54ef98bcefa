"""The cockpit: wires the modes (bucket, warehouse, daybook), the login, and the global keys.

Screens own their widgets and call services; this module only routes between them.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.actions import ActionParseResult, parse
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.dom import DOMNode

    from pos_tui.services.staff.users import User
    from pos_tui.tui.dialogs.quit import QuitChoice

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart, price_cart
from pos_tui.domain.errors import PosError
from pos_tui.services.session import Session, open_session
from pos_tui.tui.counter_devices import CounterDevices
from pos_tui.tui.kitchen_tickets import KitchenTickets
from pos_tui.tui.messages import (
    BarcodeScanned,
    DataChanged,
    DevicesChanged,
    LoggedIn,
    LowStockFound,
    ReturnCompleted,
    SaleCompleted,
    ScannerRead,
    ScannerStatusChanged,
)
from pos_tui.tui.screens.login import LoginScreen
from pos_tui.tui.theme import DEFAULT_THEME, THEMES, ThemeMemory
from pos_tui.tui.till_outbox import ReceiptsWaiting, TillOutbox, receipts_waiting

HANG_UP_GRACE_S = 5.0  # float-ok: how long an orderly exit may take once the terminal has gone
IDLE_CHECK_S = 5.0  # float-ok: how often the idle lock looks at the clock
CHAIN_CHECK_S = 30.0  # float-ok: how often the device line reads where `pos sync` stands
MODE_KEYS = (
    ("bucket", "mode.bucket"), ("warehouse", "mode.warehouse"), ("daybook", "mode.daybook"),
    ("reports", "mode.reports"), ("audit", "mode.audit"),
    ("cash", "mode.cash"), ("floor", "mode.floor"),
)  # Customers (Ctrl+Z) is not on the dock: reached by its key and the command palette


class ImportedOnUse:
    """A module loaded on first use: the login screen shows before the staff rules and PIN checks load."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str) -> object:
        return getattr(import_module(self.name), attr)


access = ImportedOnUse("pos_tui.tui.access")


def later(module: str, screen: str) -> Callable[[], Screen[None]]:
    """A mode's screen, its module imported when the mode first opens: the login shows before any of them load."""

    def make() -> Screen[None]:
        made: Screen[None] = getattr(import_module(f"pos_tui.tui.screens.{module}"), screen)()
        return made

    return make


def screen_commands() -> type[Provider]:
    from pos_tui.tui.commands import ScreenCommands  # the palette's machinery loads when first opened

    return ScreenCommands


def preload_modes() -> None:
    """Import the modes' modules while the cashier types the PIN, so the bucket opens at once."""
    for module in ("bucket", "warehouse", "daybook"):
        import_module(f"pos_tui.tui.screens.{module}")


class PosApp(App[None]):
    CSS_PATH: ClassVar[list[str]] = ["styles/app.tcss"]
    TITLE = "pos"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {screen_commands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    DEFAULT_MODE = "login"
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {
        "login": LoginScreen,
        "bucket": later("bucket", "BucketScreen"),
        "warehouse": later("warehouse", "WarehouseScreen"),
        "daybook": later("daybook", "DaybookScreen"),
        "reports": later("reports", "ReportsScreen"),
        "cash": later("cash", "CashScreen"),
        "audit": later("audit", "AuditScreen"),
        "floor": later("floor", "FloorScreen"),
        "customers": later("customers", "CustomersScreen"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "mode('bucket')", "Bucket", show=False, priority=True, id="mode.bucket"),
        Binding("f2", "mode('warehouse')", "Warehouse", show=False, priority=True, id="mode.warehouse"),
        Binding("f3", "mode('daybook')", "Daybook", show=False, priority=True, id="mode.daybook"),
        Binding("f4", "mode('reports')", "Reports", show=False, priority=True, id="mode.reports"),
        Binding("ctrl+w", "mode('cash')", "Cash", show=False, priority=True, id="mode.cash"),  # F5 is the line discount
        Binding("ctrl+y", "mode('audit')", "Audit", show=False, priority=True, id="mode.audit"),
        Binding("ctrl+b", "mode('floor')", "Floor", show=False, priority=True, id="mode.floor"),
        Binding("ctrl+z", "mode('customers')", "Customers", show=False, priority=True, id="mode.customers"),
        Binding("f10", "lock", "Lock", show=False, priority=True, id="app.lock"),
        Binding("f11", "help", "Keys", priority=True, id="app.help"),  # F9 reprints the last receipt
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, priority=True, id="app.theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        demo: bool = False,
        keymap: Mapping[str, str] | None = None,
        theme_memory: ThemeMemory | None = None,
        devices: CounterDevices | None = None,
    ) -> None:
        super().__init__()
        self.devices = devices or CounterDevices(session.settings, session.currency)
        self.devices_signal: Signal[None] = Signal(self, "devices-changed")
        self.outbox = TillOutbox(self, session)  # receipts by email or SMS
        self.base_session = session
        self.session = session
        self.demo = demo
        self.user: User | None = None
        self.last_user: User | None = None  # who was at the till before the lock
        self.user_changed_signal: Signal[User | None] = Signal(self, "user-changed")
        self.idle_lock_s = session.settings.staff.idle_lock_minutes * 60  # 0: never
        self.last_input = time.monotonic()
        self.data_version = 0
        self.low_stock_ids: set[int] = set()
        self.hang_up_handled = False  # a SIGHUP handler is installed (in the main thread, on mount)
        self.hang_up_deadline: threading.Timer | None = None  # ends the process if a hang-up's exit sticks
        self.kitchen = KitchenTickets(self)
        self.theme_memory = theme_memory or ThemeMemory()
        for theme in THEMES:  # before the stylesheet is parsed (its variables must exist)
            self.register_theme(theme)
        remembered = self.theme_memory.load()
        self.start_with_theme(remembered if remembered in {t.name for t in THEMES} else DEFAULT_THEME)
        if keymap:
            self.set_keymap(dict(keymap))

    def start_with_theme(self, name: str) -> None:
        """What Textual's theme watcher does, minus its deferred re-parse of every stylesheet: before
        the first frame the stylesheet is parsed once, with this theme's variables already in place
        (the re-parse cost a cold start about as much as the one-label app's whole first frame)."""
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        self.set_class(True, f"-theme-{name}", update=False)
        self.set_class(dark, "-dark-mode", update=False)
        self.set_class(not dark, "-light-mode", update=False)
        self._refresh_truecolor_filter(self.ansi_theme)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, lambda theme: self.theme_memory.save(theme.name))
        self.hang_up_handled = threading.current_thread() is threading.main_thread()
        if self.hang_up_handled:  # signal handlers live in the main thread only
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hung_up)
        self.call_after_refresh(self.settle_after_first_frame)
        if self.idle_lock_s:
            self.set_interval(min(IDLE_CHECK_S, self.idle_lock_s / 4), self.lock_if_idle)
        self.set_interval(CHAIN_CHECK_S, self.check_chain)

    def settle_after_first_frame(self) -> None:
        # What start-up built lives as long as the till: out of the collector's sight, so a full
        # collection mid-scan walks only what came after (it took 75-140 ms at a busy counter).
        gc.freeze()
        self.run_worker(preload_modes, thread=True, exit_on_error=False, group="preload")
        selling = not self.session.ledger.read_only
        self.run_worker(partial(self.devices.start, self.post_message, selling=selling), thread=True,
                        exit_on_error=False, group="devices")
        self.outbox.start()
        if waiting := receipts_waiting(self.session):
            self.post_message(ReceiptsWaiting(waiting))
        self.check_chain()

    def check_chain(self) -> None:
        """Where `pos sync` stands (its own process writes it into the store's file), on the device line."""
        self.run_worker(self._read_chain_line, thread=True, exit_on_error=False, group="chain", exclusive=True)

    def _read_chain_line(self) -> None:
        from pos_tui.services.chain.outbox import sync_line

        text = sync_line(self.base_session.ledger)
        level = "error" if text.startswith("FORK") else "warning" if text.startswith("offline") else "info"
        line = (level, f"Head office: {text}") if text else None
        if line != self.devices.chain_line:
            self.devices.chain_line = line
            self.post_message(DevicesChanged())

    def on_unmount(self) -> None:
        if self.hang_up_handled:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        self.devices.close()
        self.outbox.stop()
        self.kitchen.close()

    def dispatch_tickets(self) -> None:
        """A send was recorded: its tickets go to the stations' printers (in a worker)."""
        self.kitchen.dispatch(self.session)

    # --- the counter's hardware ----------------------------------------------------------------

    def on_scanner_read(self, message: ScannerRead) -> None:
        """A configured scanner's code goes into the bucket like a typed one, if the bucket is in front, or
        into a stock-room page that takes scans (a delivery, a count)."""
        scan = message.scan
        if self.user is not None and (getattr(self.screen, "MODE", "") == "bucket"
                                      or getattr(self.screen, "TAKES_SCANS", False)):
            self.screen.post_message(BarcodeScanned(scan.code, scan.source))
            return
        self.bell()
        where = "log in first" if self.user is None else "finish this and go to the bucket (F1)"
        self.notify(f"Scan {scan.code} not added: {where}.", severity="warning", markup=False)

    def on_scanner_status_changed(self, message: ScannerStatusChanged) -> None:
        status = message.status
        if status.state.value == "rejected_scan":
            self.notify(status.detail, severity="warning", markup=False)
            return
        before = self.devices.scanner_status.get(status.source)
        self.devices.scanner_status[status.source] = status
        if before is not None and before.state != status.state and status.state.value == "disconnected":
            self.notify(status.detail, title="Scanner", severity="error", markup=False)
        self.devices_signal.publish(None)

    def on_devices_changed(self, message: DevicesChanged) -> None:
        self.devices_signal.publish(None)

    def on_receipts_waiting(self, message: ReceiptsWaiting) -> None:
        if self.devices.receipts_waiting != message.count:
            self.devices.receipts_waiting = message.count
            self.devices_signal.publish(None)

    # --- who is here ---------------------------------------------------------------------------

    def on_logged_in(self, message: LoggedIn) -> None:
        self.hand_over(message.user)
        self.user = message.user
        self.last_input = time.monotonic()
        self.session = self.base_session.as_user(message.user.username)
        self.notify(f"Hello, {message.user.display_name}.", timeout=2)
        self.user_changed_signal.publish(self.user)
        self.switch_mode(access.landing_mode(self))  # type: ignore[arg-type]
        self.refresh_bindings()
        self.call_after_refresh(gc.freeze)  # the mode's screen lives on too

    def cart_on_counter(self) -> tuple[Screen[None], Cart] | None:
        """The bucket and its cart, when the cart has lines (None if the bucket was never opened)."""
        try:
            bucket = self.get_screen_stack("bucket")[0]
        except (KeyError, IndexError):
            return None
        cart = getattr(bucket, "cart", None)
        if not isinstance(cart, Cart) or not cart.lines:
            return None
        return bucket, cart

    def clear_counter(self, bucket: Screen[None]) -> None:
        bucket.cart = Cart()  # type: ignore[attr-defined]
        bucket.refresh_cart()  # type: ignore[attr-defined]
        bucket.attached = None  # type: ignore[attr-defined]  # the customer went with the parked cart
        bucket.show_customer()  # type: ignore[attr-defined]

    def hand_over(self, newcomer: User) -> None:
        """A different cashier after a lock: the cart left on the counter is parked under its owner's name."""
        before = self.last_user
        if before is None or before.username == newcomer.username:
            return
        left = self.cart_on_counter()
        if left is None:
            return
        bucket, cart = left
        try:
            name = access.park_for_handover(self.base_session.as_user(before.username), cart, datetime.now(),
                                            getattr(bucket, "customer_id", None))
        except PosError as error:
            self.notify(f"{before.display_name}'s cart stays on the counter: {error}", severity="warning")
            return
        self.clear_counter(bucket)
        self.notify(f"{before.display_name}'s cart was parked as {name!r} (Ctrl+O resumes it).", markup=False)

    # --- leaving -------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Ctrl+Q. A cart with lines on the counter is not lost without a word: park it, throw it away
        (the journal keeps it as abandoned, for the audit) or stay."""
        from pos_tui.tui.dialogs.quit import QuitDialog

        if isinstance(self.screen, QuitDialog):
            return
        left = self.cart_on_counter()
        owner = self.user or self.last_user
        if left is None or owner is None or self.base_session.ledger.read_only:
            self.exit()  # nothing on the counter (a read-only seat can neither sell nor park it)
            return
        bucket, cart = left
        total = self.base_session.currency.format(price_cart(cart, self.base_session.tax_policy).total)
        count = len(cart.lines)
        question = (f"{owner.display_name}'s cart has {count} line{'' if count == 1 else 's'} ({total}), not paid for."
                    " Park it to finish the sale later, or throw it away?")

        def chosen(choice: QuitChoice | None) -> None:
            if choice is not None and self.put_away(bucket, cart, owner, choice):
                self.exit()

        # Locked, nobody at the till can answer for a thrown-away cart: it can only be parked.
        self.push_screen(QuitDialog(question, may_discard=self.user is not None), chosen)

    def put_away(self, bucket: Screen[None], cart: Cart, owner: User, choice: QuitChoice) -> bool:
        """Park the cart under its owner's name, or journal it as abandoned; False (and why) if that failed."""
        session = self.base_session.as_user(owner.username)
        try:
            if choice == "park":
                access.park_for_handover(session, cart, datetime.now(), getattr(bucket, "customer_id", None))
            else:
                access.discard_at_quit(session, cart)
        except PosError as error:
            self.notify(f"The cart stays on the counter: {error}", severity="error", markup=False)
            return False
        self.clear_counter(bucket)
        return True

    def hung_up(self) -> None:
        """SIGHUP: the terminal went away (an SSH drop, a closed window). Nobody is there to ask, so the
        cart on the counter is parked under its owner's name, the kind choice: the basket survives and
        Ctrl+O resumes it at any till. A sale being saved at that moment is left to finish."""
        left = self.cart_on_counter()
        owner = self.user or self.last_user
        paying = left is not None and any(w.group == "pay" and w.is_running for w in left[0].workers)
        if left is not None and owner is not None and not paying and not self.base_session.ledger.read_only:
            self.put_away(left[0], left[1], owner, "park")
        # With the terminal gone, Textual's shutdown can wait for ever on its output thread, which can no
        # longer write: a till left running with nobody at it. What mattered is committed by now, so if
        # the orderly exit has not ended the process in a few seconds, end it (129: killed by SIGHUP).
        # (Only for a real terminal: under a test harness the process outlives the app.)
        if not self.is_headless:
            self.hang_up_deadline = threading.Timer(HANG_UP_GRACE_S, os._exit, args=(128 + signal.SIGHUP,))
            self.hang_up_deadline.daemon = True
            self.hang_up_deadline.start()
        self.exit()

    def action_lock(self) -> None:
        if self.user is not None:
            self.last_user = self.user
        self.user = None
        self.user_changed_signal.publish(None)
        self.switch_mode("login")
        self.refresh_bindings()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_input = time.monotonic()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        if self.user is not None and self.idle_lock_s and time.monotonic() - self.last_input >= self.idle_lock_s:
            self.action_lock()
            self.notify("Locked after a quiet while. Log in to go on; carts are kept.", timeout=10)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"mode", "lock"} and self.user is None:
            return False
        if action == "mode":
            return access.may_enter(self, str(parameters[0]))  # type: ignore[arg-type]
        return True

    def why_not(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "mode" and parameters:
            return access.why_not_enter(self, str(parameters[0]))  # type: ignore[arg-type]
        return None

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run an action; a key whose action is not available here (greyed or hidden in the footer) says
        why, through its screen's (or the app's) ``why_not(action, parameters)``, instead of nothing."""
        if isinstance(action, str):
            destination, name, parameters = parse(action)
            target = self if default_namespace is None else default_namespace
            if not destination and not target.check_action(name, parameters):
                why_not = getattr(target, "why_not", None)
                reason = why_not(name, parameters) if callable(why_not) else None
                if reason:
                    self.explain(reason)
                    return True
        return await super().run_action(action, default_namespace, namespaces)

    def explain(self, text: str) -> None:
        """Why a key did nothing: on the screen's status line where it has one, else as a notice."""
        self.bell()
        say = getattr(self.screen, "say", None)
        if callable(say):
            say(text, "warning")
        else:
            self.notify(text, severity="warning", markup=False)

    def action_mode(self, name: str) -> None:
        if self.current_mode != name and access.may_enter(self, name):  # type: ignore[arg-type]
            self.switch_mode(name)

    def key_for(self, binding_id: str) -> str:
        """The key in force for a binding id, after the site's key map, as people read it."""
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id == binding_id:
                keys = self._keymap.get(binding_id, binding.key)
                first = keys.split(",")[0].strip()
                return first.upper() if first.startswith("f") and first[1:].isdigit() else first
        return ""

    def dock_entries(self) -> list[tuple[str, str, str, str]]:
        """(mode, action, key shown, title) for the dock."""
        entries = [(mode, f"mode('{mode}')", self.key_for(binding_id), mode.title()) for mode, binding_id in MODE_KEYS
                   if access.may_enter(self, mode)]  # type: ignore[arg-type]
        entries.append(("-", "lock", self.key_for("app.lock"), "Lock"))
        return entries

    # --- the books moved -----------------------------------------------------------------------

    def on_sale_completed(self, message: SaleCompleted) -> None:
        self.data_version += 1
        self.post_message(DataChanged(self.data_version))
        self.check_low_stock({p.line.product_id for p in message.sale.priced.lines})

    def on_return_completed(self, message: ReturnCompleted) -> None:
        self.data_changed()

    def data_changed(self) -> None:
        self.data_version += 1
        self.post_message(DataChanged(self.data_version))

    @work(thread=True, exclusive=False, exit_on_error=False, group="low-stock")
    def check_low_stock(self, product_ids: set[int]) -> None:
        from pos_tui.services.catalog import warehouse

        try:
            low = warehouse.below_reorder(self.session, product_ids)
        except PosError:
            return
        if low:
            self.post_message(LowStockFound(low))

    def on_low_stock_found(self, message: LowStockFound) -> None:
        self.low_stock_ids |= {p.product_id for p in message.products}
        names = ", ".join(p.display_name for p in message.products[:3])
        more = f" and {len(message.products) - 3} more" if len(message.products) > 3 else ""
        self.notify(f"Below reorder level: {names}{more}.", title="Stock", severity="warning", markup=False)

    # --- look and help -------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        names = [t.name for t in THEMES]
        current = names.index(self.theme) if self.theme in names else 0
        self.theme = names[(current + 1) % len(names)]

    def action_help(self) -> None:
        from pos_tui.tui.dialogs.help import HelpScreen
        from pos_tui.tui.keys import key_groups

        self.push_screen(HelpScreen(key_groups(self)))


def run_app(
    settings: Settings,
    *,
    db_path: Path | None = None,
    read_only: bool = False,
    demo: bool = False,
    keymap: Mapping[str, str] | None = None,
) -> None:
    """Open the store database named by ``db_path`` (default: the settings') and run the cockpit.

    A `PosError` opening the database (missing, not ours, too new) propagates before the screen
    is taken over, so the command line can print its sentence.
    """
    session = open_session(settings, db_path, read_only=read_only)
    app = PosApp(session, demo=demo, keymap=keymap)
    try:
        app.run()
    finally:
        if app.hang_up_deadline is not None:  # the orderly exit did end
            app.hang_up_deadline.cancel()
        session.close()
    if app.return_code:  # a seat that closed on purpose (a read-only seat's wrong PINs): its message is shown
        raise SystemExit(app.return_code)
