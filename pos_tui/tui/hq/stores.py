"""F1 Stores: every store's terminals with head office's verified head (its seq and when it last
moved), entries waiting above a gap, and any alarm (a fork, a restored till's gap); read again on a
timer, so head office watches the chain without pressing anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Static

from pos_tui.services.hq.cockpit import TerminalRow, terminal_rows
from pos_tui.tui.hq.page import Answered, OfficePage
from pos_tui.tui.widgets.tiles import Tile

ALARM_WIDTH = 44
"""The widest an alarm shows in the table; the line under it has the whole sentence."""
COLUMNS = ("Store", "Terminal", "Last sync (UTC)", "Head seq", "Alarm", "Waiting", "Epoch", "Store id")
"""The alarm before the details: on 80 columns it is what must be in view."""


@dataclass
class StoresShown(Message):
    terminals: int
    alarms: int


class StoresPage(OfficePage):
    MODE = "stores"
    AUTO_FOCUS = "#hq-terminals"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="hq_stores.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TerminalRow] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="tiles"):
            yield Tile("Stores", id="tile-hq-stores")
            yield Tile("Terminals", id="tile-hq-terminals")
            yield Tile("Alarms", tone="out", id="tile-hq-alarms")
            yield Tile("Waiting", tone="expense", id="tile-hq-waiting")
        table: DataTable[Text] = DataTable(id="hq-terminals", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="hq-terminal-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#hq-terminals", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        self.set_interval(self.app.refresh_s, self.refresh_if_shown)  # type: ignore[attr-defined]
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show_rows())

    def refresh_if_shown(self) -> None:
        if self.app.screen is self:
            self.action_reload()

    def on_screen_resume(self) -> None:  # also when first shown
        self.action_reload()

    def action_reload(self) -> None:
        self.ask("stores", terminal_rows)

    def on_answered(self, message: Answered) -> None:
        if message.what != "stores":
            return
        self.rows = message.value
        self.show_rows()
        alarms = sum(1 for row in self.rows if row.level == "error" or row.state.gap_alarm)
        self.say(f"{len(self.rows)} terminal(s) of {len({row.state.store for row in self.rows})} store(s),"
                 f" {alarms} with an alarm. Read again every {self.app.refresh_s:.0f} s (Ctrl+R now).",  # type: ignore[attr-defined]
                 "error" if alarms else "info")
        self.post_message(StoresShown(len(self.rows), alarms))

    def show_rows(self) -> None:
        theme = self.app.current_theme
        colours = {"error": theme.error or "", "warning": theme.warning or "", "": ""}
        table = self.query_one("#hq-terminals", DataTable)
        at = table.cursor_row
        table.clear()
        for row in self.rows:
            state = row.state
            alarm = Text(row.alarm, style=colours[row.level])
            alarm.truncate(ALARM_WIDTH, overflow="ellipsis")
            table.add_row(
                Text(state.name), Text(state.terminal), Text(state.moved_at),
                Text(f"{state.head_seq:,}", justify="right"), alarm, Text(f"{row.held:,}", justify="right"),
                Text(str(state.epoch or "-"), justify="right"), Text(state.store),
                key=f"{state.store}/{state.terminal}")
        if self.rows:
            table.move_cursor(row=min(max(at, 0), len(self.rows) - 1))
        stores = {row.state.store for row in self.rows}
        self.query_one("#tile-hq-stores", Tile).show(f"{len(stores):,}")
        self.query_one("#tile-hq-terminals", Tile).show(f"{len(self.rows):,}")
        self.query_one("#tile-hq-alarms", Tile).show(f"{sum(1 for r in self.rows if r.level == 'error'):,}",
                                                     f"{sum(1 for r in self.rows if r.state.gap_alarm)} gap(s)")
        self.query_one("#tile-hq-waiting", Tile).show(f"{sum(r.held for r in self.rows):,}", "above a gap")
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The highlighted terminal in a sentence: the whole alarm, and what to do about a gap."""
        table = self.query_one("#hq-terminals", DataTable)
        detail = self.query_one("#hq-terminal-detail", Static)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            detail.update("No store registered yet: `pos hq store add STORE --name ... --terminal T1`."
                          if not self.rows else "")
            return
        row = self.rows[table.cursor_row]
        state = row.state
        text = f"{state.name} ({state.store}) {state.terminal}: {row.alarm or 'in order'}."
        if state.gap_alarm:
            text += f" Once understood: `pos hq store ack-gap {state.store} {state.terminal} --note ...`."
        detail.update(text)
        detail.set_classes(f"-{row.level}" if row.level else "")
