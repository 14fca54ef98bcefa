"""What head office's cockpit (`pos hq`) reads, for screens that see neither SQL nor a connection.

The cockpit is long-lived and its screens ask from worker threads, so it keeps one connection
(``OfficeLink``), serialises the calls on it, and opens it again after PostgreSQL went away: a lost
database is a sentence on the status line, and the next refresh tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.hq import reports, schema, stores, transfers

T = TypeVar("T")
MATCH_LIMIT = 50
"""Products a name search lists (a DataTable measures every row it is given)."""


class OfficeLink:
    """Head office's PostgreSQL for the cockpit: one connection, opened on first use (refused with a
    sentence unless the schema is the current one), opened again after it broke."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """``work(conn)`` on the connection, one call at a time."""
        with self._lock:
            if self._conn is None or self._conn.closed:
                conn = schema.connect(self.url)
                try:
                    schema.require_current(conn)
                except BaseException:
                    conn.close()
                    raise
                self._conn = conn
            try:
                return work(self._conn)
            except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                self._drop()
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise schema.HeadOfficeUnreachable(
                    f"lost head office's PostgreSQL ({first_line}); the cockpit tries again at the next"
                    " refresh (Ctrl+R now).") from error

    def check(self) -> None:
        """Connect now (and check the schema), so a wrong URL is said before the screen is taken over."""
        self.run(lambda conn: None)

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()


@dataclass(frozen=True)
class TerminalRow:
    """A terminal on the stores page: head office's view of its chain, and how many entries it holds
    above a gap (received, waiting for the ones below them to arrive)."""

    state: stores.TerminalState
    held: int

    @property
    def level(self) -> str:
        """"error" (a fork: head office refused an entry), "warning" (a gap not acknowledged, entries
        waiting above a gap, never synced), or "" (in order)."""
        if self.state.alarm:
            return "error"
        if self.state.gap_alarm or self.held or self.state.moved_at == "never":
            return "warning"
        return ""

    @property
    def alarm(self) -> str:
        state = self.state
        if state.alarm:
            return f"FORK at seq {state.refused_seq}: {state.refused_reason}"
        if state.gap:
            return f"GAP{' (acknowledged)' if state.gap_acknowledged else ''}: {state.gap}"
        if self.held:
            return f"{self.held} waiting above a gap"
        if state.moved_at == "never":
            return "never synced"
        return ""


def terminal_rows(conn: psycopg.Connection[Any]) -> list[TerminalRow]:
    held = dict(((store, terminal), int(count)) for store, terminal, count in conn.execute(
        "SELECT e.store, e.terminal, count(*) FROM hq_events e JOIN hq_heads h USING (store, terminal, epoch)"
        " WHERE e.seq > h.seq AND h.epoch = (SELECT max(epoch) FROM hq_heads l WHERE l.store = h.store"
        " AND l.terminal = h.terminal) GROUP BY e.store, e.terminal").fetchall())
    return [TerminalRow(state, held.get((state.store, state.terminal), 0)) for state in stores.terminal_states(conn)]


def store_names(conn: psycopg.Connection[Any]) -> dict[str, str]:
    return {str(store): str(name) for store, name in conn.execute("SELECT store, name FROM hq_stores ORDER BY store")}


@dataclass(frozen=True)
class ProductMatch:
    sku: str
    name: str
    stores: int


def products_matching(conn: psycopg.Connection[Any], text: str) -> list[ProductMatch]:
    """The products the stores have sent whose SKU is ``text`` or whose SKU or name contains it (any
    case); the exact SKU first. Refused with a sentence when nothing matches."""
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("type a SKU or part of a product's name, then Enter.")
    pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        "SELECT sku, min(name), count(DISTINCT store) FROM hq_products WHERE sku = %s OR sku ILIKE %s"
        " OR name ILIKE %s GROUP BY sku ORDER BY sku <> %s, sku LIMIT %s",
        (wanted, pattern, pattern, wanted, MATCH_LIMIT),
    ).fetchall()
    if not rows:
        raise InvalidInput(f"no store has sent head office a product matching {wanted!r}; type a SKU or part"
                           " of a name.")
    return [ProductMatch(str(sku), str(name), int(count)) for sku, name, count in rows]


@dataclass(frozen=True)
class StockView:
    """A product at every store that has it, with what is on the road between stores."""

    sku: str
    name: str
    stores: tuple[tuple[reports.StoreStock, str], ...]  # each store's stock and the store's name
    transit: transfers.Transit

    @property
    def total(self) -> int:
        return sum(stock.on_hand for stock, _ in self.stores)


def stock_view(conn: psycopg.Connection[Any], sku: str) -> StockView:
    found = reports.stock_of(conn, sku)
    names = store_names(conn)
    return StockView(sku, found[0].name, tuple((row, names.get(row.store, "")) for row in found),
                     transfers.transit_of(conn, sku))
