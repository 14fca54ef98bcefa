"""The head-office cockpit's app: four pages on the dock (stores, stock, transfers, reports), the
till's themes and styles, F11 for the keys, F10 to leave.

Launched by `pos hq` (no subcommand) with the PostgreSQL URL every `pos hq` command takes. There is
no login: head office's database is the credential (whoever may reach it may read it).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from pos_tui.domain.money import Currency
from pos_tui.services.hq.cockpit import OfficeLink
from pos_tui.tui.theme import DEFAULT_THEME, THEMES, ThemeMemory

PAGES = (("stores", "F1", "Stores"), ("stock", "F2", "Stock"), ("transfers", "F3", "Transfers"),
         ("reports", "F4", "Reports"))
REFRESH_S = 10.0  # float-ok: how often the stores page reads the heads again while it is shown
SCREENS = {"stores": "StoresPage", "stock": "StockPage", "transfers": "TransfersPage", "reports": "ReportsPage"}
"""Each page's screen class, in the module of the page's name."""


def later(module: str) -> Callable[[], Screen[None]]:
    """A page's screen, its module imported when the page first opens."""

    def make() -> Screen[None]:
        made: Screen[None] = screen_type(module)()
        return made

    return make


def screen_type(page: str) -> type[Screen[None]]:
    found: type[Screen[None]] = getattr(import_module(f"pos_tui.tui.hq.{page}"), SCREENS[page])
    return found


class HeadOfficeApp(App[None]):
    CSS_PATH: ClassVar[list[str]] = ["../styles/app.tcss", "../styles/hq.tcss"]
    TITLE = "pos hq"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    DEFAULT_MODE = "stores"
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {
        "stores": later("stores"),
        "stock": later("stock"),
        "transfers": later("transfers"),
        "reports": later("reports"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "mode('stores')", "Stores", show=False, priority=True, id="hq.stores"),
        Binding("f2", "mode('stock')", "Stock", show=False, priority=True, id="hq.stock"),
        Binding("f3", "mode('transfers')", "Transfers", show=False, priority=True, id="hq.transfers"),
        Binding("f4", "mode('reports')", "Reports", show=False, priority=True, id="hq.reports"),
        Binding("f10", "quit", "Quit", show=False, priority=True, id="hq.quit"),
        Binding("f11", "help", "Keys", priority=True, id="hq.help"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, priority=True, id="hq.theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="hq.quit_q"),
    ]

    def __init__(self, link: OfficeLink, currency: Currency, *, theme_memory: ThemeMemory | None = None,
                 refresh_s: float = REFRESH_S) -> None:
        super().__init__()
        self.link = link
        self.currency = currency
        self.refresh_s = refresh_s  # float-ok: how often the stores page reads the heads again
        self.theme_memory = theme_memory or ThemeMemory()
        for theme in THEMES:  # before the stylesheet is parsed (its variables must exist)
            self.register_theme(theme)
        remembered = self.theme_memory.load()
        self.theme = remembered if remembered in {t.name for t in THEMES} else DEFAULT_THEME

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, lambda theme: self.theme_memory.save(theme.name))

    def on_unmount(self) -> None:
        self.link.close()

    def action_mode(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def dock_entries(self) -> list[tuple[str, str, str, str]]:
        """(page, action, key shown, title) for the dock (the till's dock widget reads this)."""
        return [*((page, f"mode('{page}')", key, title) for page, key, title in PAGES), ("-", "quit", "F10", "Quit")]

    def action_toggle_theme(self) -> None:
        names = [t.name for t in THEMES]
        current = names.index(self.theme) if self.theme in names else 0
        self.theme = names[(current + 1) % len(names)]

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        groups = [("Everywhere", [*_rows(self.BINDINGS), ("ctrl+p", "command palette")])]
        for page, _, title in PAGES:
            page_type = screen_type(page)
            groups.append((title, [*getattr(page_type, "EXTRA_KEYS", []), *_rows(page_type.BINDINGS)]))
        return groups

    def action_help(self) -> None:
        from pos_tui.tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_groups()))


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding):
            keys = ", ".join(k.strip().upper() if k.strip().startswith("f") else k.strip()
                             for k in binding.key.split(","))
            rows.append((keys, binding.description or binding.action))
    return rows


def run_cockpit(url: str, currency: Currency) -> None:
    """Check head office's database (a sentence, before the screen is taken over, when it is not
    there or needs `pos hq init`), then run the cockpit on it."""
    link = OfficeLink(url)
    link.check()
    try:
        HeadOfficeApp(link, currency).run()
    finally:
        link.close()
