"""Creating a store and reading its status."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pos_tui.config import Settings
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.events import StoreOpened, TaxClassDefined, UserAdded
from pos_tui.domain.pin import check_pin_format, hash_pin
from pos_tui.ledger.database import JournalHead, create_ledger
from pos_tui.ledger.journal import Actor, append, business_day
from pos_tui.services.session import Session
from pos_tui.services.staff.authz import check_pin_length

if TYPE_CHECKING:
    from pos_tui.config import Settings


def check_new_store_path(path: Path) -> None:
    """Refuse a place a new store cannot go: a folder that is missing (a typo must not create a
    tree of folders), a directory, or an existing file."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory.",
                           f"Give the new database's file name, e.g. --db {path / 'pos.db'}.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist, so no store was created.",
                           f"Check the path, or create the folder first (mkdir -p {path.parent}).")
    if path.exists() and path.stat().st_size > 0:
        raise InvalidInput(f"{path} already exists, so no store was created.",
                           "Choose another path, or open the existing store.")


def init_store(
    settings: Settings, path: Path, *, admin: str, admin_pin: str, admin_name: str = "", at: datetime | None = None
) -> Session:
    """A new store database: the store, its tax classes and its first admin, in one transaction.

    ``at``: when the store opened (default now); the session's clock stays there, as a generator of
    past trading needs (the journal's time only moves forward from the store's opening). `pos init`
    calls ``check_new_store_path`` first: a person's typo must not make folders."""
    check_pin_format(admin_pin)  # before touching the disk: a bad PIN leaves no file behind
    check_pin_length(settings, "admin", admin_pin)
    pin_hash = hash_pin(admin_pin)
    ledger = create_ledger(path)
    store = settings.store
    opened = StoreOpened(
        store_id=str(uuid.uuid4()),
        name=store.name,
        currency=store.currency,
        exponent=store.exponent,
        symbol=store.symbol,
        timezone=store.timezone,
        day_starts_at_hour=store.day_starts_at_hour,
        tax_id=store.tax_id,
        address=tuple(store.address),
    )
    actor = Actor(opened.store_id, settings.terminal.id, admin)
    with ledger.write():
        append(ledger, opened, actor, at=at)
        for tax_class in settings.tax_classes:
            append(ledger, TaxClassDefined(tax_class.code, tax_class.name, tax_class.rate_bp), actor, at=at)
        append(ledger, UserAdded(str(uuid.uuid4()), admin, admin_name or admin.title(), "admin", pin_hash), actor,
               at=at)
    if at is None:
        return Session(ledger, settings, admin)
    return Session(ledger, settings, admin, clock=lambda: at)


@dataclass(frozen=True)
class StoreStatus:
    path: Path
    name: str
    store_id: str
    terminal: str
    head: JournalHead
    day: str
    sales_today: int
    takings_today: int
    products: int


def store_status(session: Session) -> StoreStatus:
    info = session.ledger.store_info()
    day = business_day(datetime.now(UTC), info.timezone, info.day_starts_at_hour)
    conn = session.ledger.conn
    count, total = conn.execute("SELECT COUNT(*), COALESCE(SUM(total), 0) FROM sales WHERE day = ?", (day,)).fetchone()
    products = conn.execute("SELECT COALESCE(MAX(product_id), 0) FROM products").fetchone()[0]
    return StoreStatus(session.ledger.path, info.name, info.store_id, session.terminal, session.ledger.head(), day,
                       count, total, products)
