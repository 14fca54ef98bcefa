"""The floor (Ctrl+B): every table of every floor as a tile coloured by its status (available, occupied,
billing), with its covers and the minutes since it opened and since its last send.

Type a table's number and Enter: a free table asks for its covers in the same field and opens; an
occupied one opens its order. The order shows in a panel, beside the grid from 120 columns and in its
place narrower (Escape: back to the grid), not on a screen of its own: no screen is switched or
restyled when a table opens. Another
waiter's change shows within a quarter of a second: the screen polls the last seq that changed any
order (one indexed read) and reloads the plan only when it moved.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from pos_tui.domain.errors import PosError
from pos_tui.services.restaurant import floor
from pos_tui.services.restaurant.floor import TableState
from pos_tui.services.session import Session
from pos_tui.tui.screens.base import ModeScreen
from pos_tui.tui.screens.table_order import OrderPanel
from pos_tui.tui.widgets.field import Field

POLL_SECONDS = 0.25  # float-ok: how often the floor asks whether any order changed


# Python starts a full collection after every 10 of its middle ones: a table's opening and three scans
# make about 13, so one came due inside nearly every table. The order screen collects when a table is
# left (table_order.collect_garbage); 50 leaves that as a safety net for a long stay at one table.
FULL_COLLECTION_AFTER = 50


def minutes_since(at: str, now: datetime) -> str:
    if not at:
        return "-"
    minutes = max(0, int((now - datetime.fromisoformat(at)).total_seconds() // 60))
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"


def tile_text(state: TableState, now: datetime) -> str:
    order = state.order
    if order is None:
        return f"{state.table}\nfree"
    return (f"{state.table}  {order.covers}p\nopen {minutes_since(order.opened_at, now)}\n"
            f"sent {minutes_since(order.sent_at, now)}")


@dataclass
class FloorLoaded(Message):
    seq: int
    plan: list[TableState]


class TableTile(Static):
    """One table: its number, covers and times; coloured by status."""


class FloorScreen(ModeScreen):
    MODE = "floor"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Refresh", priority=True, id="floor.refresh"),
        Binding("ctrl+k", "tickets", "Tickets", priority=True, id="floor.tickets"),
        Binding("escape", "cancel_covers", "Back", show=False, id="floor.cancel-covers"),
    ]
    DEFAULT_CSS = """
    FloorScreen #floor-jump { margin: 0 0 1 0; }
    FloorScreen .floor-name { text-style: bold; color: $accent; margin-top: 1; }
    FloorScreen .floor-grid { grid-size: 8; grid-gutter: 0 1; height: auto; }
    FloorScreen.-narrow .floor-grid { grid-size: 5; }
    FloorScreen TableTile { height: 5; border: round $panel-lighten-2; padding: 0 1; }
    FloorScreen TableTile.-available { color: $text-muted; }
    FloorScreen TableTile.-occupied { color: $warning; border: round $warning 70%; text-style: bold; }
    FloorScreen TableTile.-billing { color: $success; border: round $success 70%; text-style: bold; }
    FloorScreen TableTile.-chosen { background: $primary 30%; }
    FloorScreen #floor-split { height: 1fr; }
    FloorScreen #order { display: none; }
    FloorScreen.-split #floor-tables { width: 32; }
    FloorScreen.-split .floor-grid { grid-size: 2; }
    FloorScreen.-split #order { display: block; width: 1fr; margin-left: 1; }
    """
    # From 120 columns the order stands beside the grid (opening a table fills it, nothing is laid out
    # again); narrower, it takes the grid's place while a table is open.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide"), (120, "-split")]
    JUMP_PROMPT = "Table number, then Enter (a free table asks for its covers)"

    def __init__(self) -> None:
        super().__init__()
        self.seen_seq = -1
        self.plan: list[TableState] = []
        self.painted: dict[int, tuple[str, str]] = {}  # table -> (text, status) its tile shows
        self.covers_for: int | None = None  # the free table whose covers the jump field asks for

    @property
    def session(self) -> Session:
        session: Session = self.app.session  # type: ignore[attr-defined]
        return session

    def compose_body(self) -> ComposeResult:
        yield Field(placeholder=self.JUMP_PROMPT, id="floor-jump", compact=True, restrict=r"[0-9]*")
        with Horizontal(id="floor-split"):
            with VerticalScroll(id="floor-tables"):
                for plan_floor in self.session.settings.restaurant.floors:
                    yield Static(plan_floor.name, classes="floor-name", markup=False)
                    with Grid(classes="floor-grid"):
                        for table in plan_floor.tables:
                            yield TableTile(f"{table}", id=f"table-{table}", classes="-available", markup=False)
            yield OrderPanel(id="order")

    def on_mount(self) -> None:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
        if not self.session.settings.restaurant.floors:
            self.say("No tables are set up: add [[restaurant.floors]] with their tables to pos.toml.", "warning")
        self.load()
        self.set_interval(POLL_SECONDS, self.tick)

    @property
    def order_panel(self) -> OrderPanel:
        return self.query_one("#order", OrderPanel)

    @property
    def split(self) -> bool:
        """The order stands beside the grid (a wide terminal), not in its place."""
        return self.has_class("-split")

    @property
    def showing_order(self) -> bool:
        return self.order_panel.table != 0

    @property
    def grid_hidden(self) -> bool:
        """The grid is out of sight: an order in its place, or a dialog on top."""
        return not self.is_current or (self.showing_order and not self.split)

    def on_screen_resume(self) -> None:
        if self.showing_order:
            self.order_panel.resumed()  # a dialog of the order closed
            if not self.split:
                return
        else:
            self.query_one("#floor-jump", Input).focus()
        self.load()

    def on_resize(self) -> None:
        self.call_later(self.place_order)  # after Textual has set the width's class (-narrow, -wide, -split)

    def action_reload(self) -> None:
        self.load()

    def tick(self) -> None:
        # Hidden under a table's order (or a dialog), the floor neither polls nor repaints: that work landed
        # on the scans of the order. It loads once when it is shown again (close_order, on_screen_resume).
        if not self.grid_hidden:
            self.poll()

    @work(thread=True, exclusive=True, exit_on_error=False, group="floor-poll")
    def poll(self) -> None:
        try:
            seq = floor.last_change(self.session)
        except PosError:
            return
        if seq != self.seen_seq:
            self.post_message(FloorLoaded(seq, floor.floor_plan(self.session)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="floor-load")
    def load(self) -> None:
        try:
            self.post_message(FloorLoaded(floor.last_change(self.session), floor.floor_plan(self.session)))
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")

    def on_floor_loaded(self, message: FloorLoaded) -> None:
        if self.grid_hidden:
            return  # a load that was under way when the order or a dialog went on top: it loads again after
        self.seen_seq = message.seq
        self.plan = message.plan
        now = self.session.clock()
        for state in message.plan:
            painted = (tile_text(state, now), state.status)
            if self.painted.get(state.table) == painted:
                continue  # only the tiles that changed are repainted
            self.painted[state.table] = painted
            tile = self.query_one(f"#table-{state.table}", TableTile)
            tile.update(painted[0])
            tile.set_classes(f"-{state.status}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "floor-jump":
            return  # the order's own field: the panel handles it
        event.stop()
        typed = event.value.strip()
        event.input.value = ""
        if self.covers_for is not None:
            self.open_with_covers(self.covers_for, typed or "2")
            return
        if not typed:
            return
        table = int(typed)
        state = next((s for s in self.plan if s.table == table), None)
        if state is None:
            self.say(f"There is no table {table} on this floor plan.", "warning")
            return
        if state.order is not None:
            self.open_order(table)
            return
        self.ask_covers(table)

    def ask_covers(self, table: int) -> None:
        """The same field asks how many sit at the free ``table``: no dialog, no screen switch."""
        self.covers_for = table
        jump = self.query_one("#floor-jump", Input)
        jump.placeholder = f"Covers at table {table}: guests, then Enter (blank: 2) · Escape: another table"

    def action_cancel_covers(self) -> None:
        if self.covers_for is not None:
            self.covers_for = None
            self.query_one("#floor-jump", Input).placeholder = self.JUMP_PROMPT

    def open_with_covers(self, table: int, covers: str) -> None:
        from pos_tui.domain.errors import InvalidInput

        if not covers.isdigit() or int(covers) == 0:
            self.say(str(InvalidInput(f"{covers!r} is not a number of guests.", "Type how many are sitting, e.g. 4.")),
                     "error")
            return  # the field still asks for this table's covers
        self.action_cancel_covers()
        session = self.session
        self.open_order(table, opening=lambda: floor.open_table(session, table, int(covers)))

    def open_order(self, table: int, opening: Callable[[], object] | None = None) -> None:
        # One panel serves every table, in place of the grid: a screen per table cost its whole compose
        # and mount on each opening, and a screen switch restyled all of it and rebuilt the footer.
        self.order_panel.show_table(table, opening)
        self.place_order()

    def place_order(self) -> None:
        """Narrow, the open order takes the grid's place; split, the stylesheet keeps both in view."""
        taking_place = self.showing_order and not self.split
        for selector in ("#floor-tables", "#floor-jump"):
            self.query_one(selector).display = not taking_place
        if self.split:
            self.order_panel.styles.clear_rule("display")
        else:
            self.order_panel.display = taking_place

    def close_order(self) -> None:
        """Back to the grid of tables (Escape from an order): the panel shows no table."""
        self.order_panel.show_no_table()
        self.place_order()
        self.query_one("#floor-jump", Input).focus()
        self.load()

    # --- the kitchen ticket log ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="floor-tickets")
    def action_tickets(self) -> None:
        """The last tickets the stations got; Enter on one prints it again, marked REPRINT."""
        from pos_tui.services.restaurant import kitchen

        options = []
        for ticket in reversed(kitchen.ticket_log(self.session, last=40)):
            at = self.session.local_time(ticket.at).strftime("%H:%M")
            what = ", ".join(f"{line.quantity // 1000} x {line.name}" for line in ticket.lines)
            void = "VOID " if ticket.kind == "void" else ""
            options.append((str(ticket.number), f"#{ticket.number} {at} {ticket.station} table {ticket.table}"
                            f" {ticket.waiter}: {void}{what}"))
        self.app.call_from_thread(self.choose_ticket, options)

    def choose_ticket(self, options: list[tuple[str, str]]) -> None:
        from pos_tui.tui.dialogs.choose import ChooseDialog

        if not options:
            self.say("No kitchen tickets yet.", "info")
            return

        def chosen(number: str | None) -> None:
            if number is not None:
                self.reprint(int(number))

        self.app.push_screen(ChooseDialog("Kitchen tickets (Enter: reprint)", options), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="floor-tickets")
    def reprint(self, number: int) -> None:
        from pos_tui.services.restaurant import kitchen

        try:
            ticket = kitchen.reprint(self.session, number)
        except PosError as error:
            self.app.call_from_thread(self.say, str(error), "error")
            return
        self.app.call_from_thread(self.say, f"Ticket {number} prints again at {ticket.station}, marked REPRINT.",
                                  "success")
        dispatch = getattr(self.app, "dispatch_tickets", None)
        if callable(dispatch):
            self.app.call_from_thread(dispatch)
