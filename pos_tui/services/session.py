"""A session: an open store database, the settings, and who is at the till.

Every service function takes a session; it knows the actor to stamp on journal entries and the
domain policies (currency, tax, tenders, barcode layouts) the settings describe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.domain.money import Currency
from pos_tui.ledger.database import Ledger, open_ledger
from pos_tui.ledger.journal import Actor, append, store_time

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.domain.barcode import InStoreLayout
    from pos_tui.domain.events import ApiRequest, Event
    from pos_tui.domain.tax import TaxPolicy
    from pos_tui.domain.tender import TenderMethod
    from pos_tui.ledger.entry import JournalEntry


@dataclass
class Session:
    ledger: Ledger
    settings: Settings
    username: str = "system"
    terminal: str = field(default="")
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """Where event times come from: the wall clock, or a generator's clock for back-dated demo data."""

    def __post_init__(self) -> None:
        if not self.terminal:
            self.terminal = self.settings.terminal.id

    @property
    def actor(self) -> Actor:
        return Actor(self.ledger.store_info().store_id, self.terminal, self.username)

    api_request: ApiRequest | None = None
    """Set by the integration API for one request: every event recorded carries it (its Idempotency-Key)."""

    def record(self, event: Event) -> JournalEntry:
        """Append ``event`` as this session's user; call inside ``ledger.write()``."""
        if self.api_request is not None:
            event = replace(event, api_request=self.api_request)
        return append(self.ledger, event, self.actor, at=self.clock())

    @cached_property
    def currency(self) -> Currency:
        info = self.ledger.store_info()
        return Currency(info.currency, info.exponent, info.symbol)

    @cached_property
    def tax_policy(self) -> TaxPolicy:
        return self.settings.tax_policy()

    @cached_property
    def tender_methods(self) -> dict[str, TenderMethod]:
        return self.settings.tender_methods()

    @cached_property
    def instore_layouts(self) -> list[InStoreLayout]:
        return self.settings.instore_layouts()

    def money(self, minor: int) -> str:
        return self.currency.format(minor)

    def local_time(self, at: datetime | str) -> datetime:
        """A moment (or a UTC journal time) in the store's timezone: what people read and type."""
        return store_time(at, self.ledger.store_info().timezone)

    def as_user(self, username: str) -> Session:
        return Session(self.ledger, self.settings, username, self.terminal, self.clock)

    def close(self) -> None:
        self.ledger.close()


def open_session(
    settings: Settings, db_path: Path | None = None, *, username: str = "system", read_only: bool = False
) -> Session:
    path = db_path or settings.database.path
    return Session(open_ledger(path, read_only=read_only), settings, username)
