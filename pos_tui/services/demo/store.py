"""`pos demo`: a new store filled with a generated catalogue and days of back-dated trading.

Everything goes through the journal like real use: the store, its tax classes and users, products
(in bulk, with the same journal rows), opening stock and weekly deliveries, each till's shift opened
with a float in the morning and closed with a blind count at night, and each sale, return and void
through the sales services, with a session clock that walks through the past days.
Deterministic for a seed: the same catalogue, baskets and totals (event ids and hashes differ).
"""

from __future__ import annotations

import random
import uuid
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pos_tui.domain.cart import Cart, Discount, price_cart
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.events import ProductAdded, ReceivedLine, StockReceived, StoreOpened, TaxClassDefined, UserAdded
from pos_tui.domain.money import extend
from pos_tui.domain.pin import hash_pin
from pos_tui.domain.sale import sale_event
from pos_tui.domain.tender import Tender, settle
from pos_tui.ledger.bulk import Stamped, append_many, append_stamped, search_index_paused, stock_totals_paused
from pos_tui.ledger.database import create_ledger
from pos_tui.ledger.journal import Actor, append
from pos_tui.services.cash import shifts
from pos_tui.services.catalog import products
from pos_tui.services.demo.catalog import PACKED, WEIGHED, ean13, generate_catalog, pack_gtin, product_ean
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

if TYPE_CHECKING:
    from pos_tui.config import Settings

# (username, PIN, role): printed by `pos demo` so people can log in.
DEMO_USERS = (("cashier", "1234", "cashier"), ("supervisor", "234567", "supervisor"),
              ("manager", "345678", "manager"), ("admin", "456789", "admin"))
DEFAULT_SALES_PER_DAY = 275  # 365 days of this is ~100,000 sales
OPEN_HOUR, CLOSE_HOUR = 9, 22
FLOAT_MAJOR = 5_000  # each till's morning float, in major units (Rs 5,000)
# A night's count against what the drawer should hold, in major units: mostly exact, now and then a slip.
COUNT_SLIPS = (0,) * 17 + (-100, -20, 50)
PRODUCT_BATCH = 20_000
RECEIPT_LINES = 1_000
CACHE_KIB = 512 * 1024
BASKET_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
BASKET_WEIGHTS = (18, 22, 18, 13, 10, 8, 6, 5)
WEEK_PATTERN = (0.9, 0.9, 0.9, 0.95, 1.15, 1.25, 1.05)  # by trading-day index, so a seed gives the same days
RETURN_REASONS = (("changed mind", True), ("wrong size", True), ("damaged", False), ("expired", False))

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    products: int
    first_day: date
    last_day: date
    sales: int
    returns: int
    voids: int
    receipts: int
    takings: int  # minor units, sales minus refunds
    journal_entries: int
    users: tuple[tuple[str, str, str], ...] = DEMO_USERS


class DemoClock:
    """The session clock of a demo: whatever moment the generator has reached."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class _Shop:
    """What the trading simulation remembers between events."""

    skus: int
    kinds: bytearray
    costs: array[int]
    weighed_items: dict[int, int]
    sold: dict[int, int] = field(default_factory=dict)
    recent: deque[tuple[str, list[tuple[int, int, bool]]]] = field(default_factory=lambda: deque(maxlen=400))
    sales: int = 0
    returns: int = 0
    voids: int = 0
    receipts: int = 0
    takings: int = 0
    baskets: tuple[tuple[int, ...], tuple[int, ...]] = (BASKET_SIZES, BASKET_WEIGHTS)
    """Lines per sale and how often each count comes up."""


def build_demo(
    settings: Settings,
    path: Path,
    *,
    skus: int,
    days: int,
    seed: int,
    sales_per_day: int = DEFAULT_SALES_PER_DAY,
    lines_per_sale: int = 0,
    last_day: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create a new store at ``path`` with ``skus`` products and ``days`` days of trading up to
    ``last_day`` (default: yesterday in the store's timezone). ``lines_per_sale`` > 0 makes baskets of
    1 to 2n-1 lines, n on average (benchmark stores); 0 keeps the shop's usual mix (about 3.5)."""
    if skus < 10 or days < 1 or sales_per_day < 0:
        raise InvalidInput("A demo needs at least 10 SKUs and 1 day.", "Use e.g. --skus 20000 --days 30.")
    report = progress or (lambda stage, done, total: None)
    zone = ZoneInfo(settings.store.timezone)
    end = last_day or (datetime.now(zone).date() - timedelta(days=1))
    first = end - timedelta(days=days - 1)
    clock = DemoClock(_local(first, 7, 0, zone))
    admin = _open_store(settings, path, clock)
    admin.ledger.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # this connection only: indexes stay in memory
    try:
        # The stock totals are filled once at the end rather than kept by trigger on every stock move.
        with stock_totals_paused(admin.ledger):
            shop = _fill(admin, skus, days, seed, sales_per_day, lines_per_sale, first, zone, clock, report)
        head = admin.ledger.head()
    finally:
        admin.close()
    return DemoSummary(path, skus, first, end, shop.sales, shop.returns, shop.voids, shop.receipts, shop.takings,
                       head.seq)


def _fill(admin: Session, skus: int, days: int, seed: int, sales_per_day: int, lines_per_sale: int, first: date,
          zone: ZoneInfo, clock: DemoClock, report: Progress) -> _Shop:
    """Users, catalogue, opening stock and the days of trading."""
    for username, pin, role in DEMO_USERS:
        if role != "admin":
            add_user(admin, username, pin, role=role)
    manager = admin.as_user("manager")
    shop = _load_catalog(manager, skus, seed, clock, report)
    if lines_per_sale > 0:
        sizes = tuple(range(1, 2 * lines_per_sale))
        shop.baskets = (sizes, (1,) * len(sizes))
    clock.now = _local(first, 8, 0, zone)
    _opening_stock(manager, shop, seed, report)
    _trade(admin, shop, seed, first, days, sales_per_day, zone, clock, report)
    return shop


def _local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def _open_store(settings: Settings, path: Path, clock: DemoClock) -> Session:
    """What `pos init` does, stamped with the demo's first morning."""
    admin_pin = next(pin for username, pin, _ in DEMO_USERS if username == "admin")
    pin_hash = hash_pin(admin_pin)
    ledger = create_ledger(path)
    store = settings.store
    opened = StoreOpened(str(uuid.uuid4()), store.name, store.currency, store.exponent, store.symbol, store.timezone,
                         store.day_starts_at_hour, store.tax_id, tuple(store.address))
    actor = Actor(opened.store_id, settings.terminal.id, "admin")
    with ledger.write():
        append(ledger, opened, actor, at=clock())
        for tax_class in settings.tax_classes:
            append(ledger, TaxClassDefined(tax_class.code, tax_class.name, tax_class.rate_bp), actor, at=clock())
        append(ledger, UserAdded(str(uuid.uuid4()), "admin", "Admin", "admin", pin_hash), actor, at=clock())
    return Session(ledger, settings, "admin", clock=clock)


def _chunks(items: Iterator[object], size: int) -> Iterator[list[object]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _load_catalog(manager: Session, skus: int, seed: int, clock: DemoClock, report: Progress) -> _Shop:
    """The generated catalogue as product.added events, in big transactions, search index rebuilt once."""
    shop = _Shop(skus, bytearray(skus + 1), array("q", bytes(8 * (skus + 1))), {})
    ledger = manager.ledger
    generated = generate_catalog(skus, seed)
    done = 0
    with search_index_paused(ledger):
        while batch := list(islice(generated, PRODUCT_BATCH)):
            with ledger.write():
                append_many(ledger, [ProductAdded(p.product_id, p.details) for p in batch], manager.actor,
                            at=clock())
            for product in batch:
                shop.kinds[product.product_id] = product.kind
                shop.costs[product.product_id] = product.details.cost
                if product.weighed_item:
                    shop.weighed_items[product.product_id] = product.weighed_item
            done += len(batch)
            report("products", done, skus)
        report("search index", 0, 1)
    report("search index", 1, 1)
    return shop


def _opening_quantity(rng: random.Random, kind: int) -> int:
    if kind == WEIGHED:
        return rng.randrange(20, 200) * 1000
    return rng.randrange(24, 240) * 1000


def _received(shop: _Shop, lines: list[tuple[int, int]], reference: str, vendor: str) -> StockReceived:
    """What ``products.receive_stock`` records for ``(product_id, quantity)`` lines at the catalogue cost."""
    shop.receipts += 1
    return StockReceived(reference, vendor, tuple(
        ReceivedLine(pid, quantity, shop.costs[pid], extend(quantity, shop.costs[pid])) for pid, quantity in lines
    ))


def _opening_stock(manager: Session, shop: _Shop, seed: int, report: Progress) -> None:
    rng = random.Random(f"pos-demo-stock-{seed}")
    ledger = manager.ledger
    product_ids = iter(range(1, shop.skus + 1))
    done = 0
    while chunk := list(islice(product_ids, RECEIPT_LINES * 50)):
        events = []
        for start in range(0, len(chunk), RECEIPT_LINES):
            lines = [(pid, _opening_quantity(rng, shop.kinds[pid])) for pid in chunk[start:start + RECEIPT_LINES]]
            events.append(_received(shop, lines, f"OPEN-{shop.receipts + 1:05d}", "Opening stock"))
        with ledger.write():
            append_many(ledger, events, manager.actor, at=manager.clock())
        done += len(chunk)
        report("opening stock", done, shop.skus)


class _Counter:
    """The tills of the demo. Sales are priced and settled exactly as ``sales.complete_sale`` does and
    appended in bulk (a day's worth in one go); anything that reads sales back flushes them first."""

    def __init__(self, admin: Session, shop: _Shop, clock: DemoClock) -> None:
        # Closing a shift would snapshot the store when backups are set up: not once per generated day.
        cash = admin.settings.cash.model_copy(update={"snapshot_on_close": False})
        settings = admin.settings.model_copy(update={"cash": cash})
        self.tills = [Session(admin.ledger, settings, "cashier", terminal, clock) for terminal in ("T1", "T2")]
        self.ledger = admin.ledger
        self.shop = shop
        self.clock = clock
        self.pending: list[Stamped] = []
        conn = admin.ledger.conn
        self.numbers = {
            till.terminal: conn.execute(
                "SELECT COALESCE(MAX(number), 0) FROM sales WHERE terminal = ?", (till.terminal,)
            ).fetchone()[0]
            for till in self.tills
        }

    def sell(self, till: Session, cart: Cart, tenders: list[Tender]) -> str | None:
        """Ring up a sale; its reference, or None if it was refused."""
        priced = price_cart(cart, till.tax_policy)
        pricing = till.settings.pricing
        try:
            settlement = settle(priced.total, tenders, till.tender_methods, cash_step=pricing.cash_rounding_step,
                                mode=pricing.rounding, show=till.money)
        except PosError:
            return None
        number = self.numbers[till.terminal] + 1
        self.numbers[till.terminal] = number
        event = sale_event(till.terminal, number, priced, settlement, till.tender_methods)
        self.pending.append((event, till.actor, self.clock()))
        shop = self.shop
        shop.sales += 1
        shop.takings += priced.total + settlement.rounding
        lines = []
        for line_no, line in enumerate(event.lines, start=1):
            shop.sold[line.product_id] = shop.sold.get(line.product_id, 0) + line.quantity
            lines.append((line_no, line.quantity, line.unit == "each"))
        reference = sales.sale_reference(till.terminal, number)
        shop.recent.append((reference, lines))
        return reference

    def flush(self) -> None:
        if self.pending:
            append_stamped(self.ledger, self.pending)
            self.pending = []

    def open_shifts(self) -> None:
        """The morning: each till's float out of the safe, in a shift of its own."""
        float_amount = FLOAT_MAJOR * 10 ** self.tills[0].currency.exponent
        for till in self.tills:
            shifts.open_shift(till, float_amount=float_amount)

    def close_shifts(self, rng: random.Random) -> None:
        """The night: each till's blind count, as a cashier makes it, so no shift runs into the next day."""
        self.flush()
        scale = 10 ** self.tills[0].currency.exponent
        for till in self.tills:
            expected = shifts.drawer_expected(till)
            shifts.close_shift(till, counted=max(0, expected + rng.choice(COUNT_SLIPS) * scale))


def _trade(admin: Session, shop: _Shop, seed: int, first: date, days: int, sales_per_day: int, zone: ZoneInfo,
           clock: DemoClock, report: Progress) -> None:
    rng = random.Random(f"pos-demo-trade-{seed}")
    counts = random.Random(f"pos-demo-count-{seed}")  # apart from the trade's, so a seed keeps its sales
    counter = _Counter(admin, shop, clock)
    supervisor = admin.as_user("supervisor")
    manager = admin.as_user("manager")
    mean = sum(WEEK_PATTERN) / len(WEEK_PATTERN)
    for index in range(days):
        day = first + timedelta(days=index)
        count = round(sales_per_day * WEEK_PATTERN[index % 7] / mean * rng.uniform(0.9, 1.1))
        opening = _local(day, OPEN_HOUR, 0, zone)
        seconds = sorted(rng.randrange((CLOSE_HOUR - OPEN_HOUR) * 3600) for _ in range(count))
        with admin.ledger.write():
            if index and index % 7 == 0:
                clock.now = _local(day, 8, 30, zone)
                _weekly_delivery(manager, shop, rng, index // 7)
            clock.now = _local(day, OPEN_HOUR - 1, 50, zone)
            counter.open_shifts()
            for offset in seconds:
                clock.now = opening + timedelta(seconds=offset, microseconds=rng.randrange(1_000_000))
                sold = _one_sale(rng.choice(counter.tills), counter, rng)
                roll = rng.random()
                if sold and roll < 0.004:
                    counter.flush()
                    _void_last(supervisor, shop, clock)
                elif roll < 0.014:
                    counter.flush()
                    _return_something(supervisor, shop, rng, clock)
            clock.now = _local(day, CLOSE_HOUR, 10, zone)
            counter.close_shifts(counts)
        report("days", index + 1, days)


def _scan_text(rng: random.Random, shop: _Shop, product_id: int) -> str:
    kind = shop.kinds[product_id]
    if kind == WEIGHED:
        grams = rng.randrange(150, 2500)
        return ean13(f"21{shop.weighed_items[product_id]:05d}{grams:05d}")
    if kind == PACKED and rng.random() < 0.15:
        return pack_gtin(product_id)
    code = product_ean(product_id)
    return f"{rng.choice((2, 2, 3, 4))}*{code}" if rng.random() < 0.12 else code


def _cash_given(rng: random.Random, due: int) -> int:
    """What a customer hands over: the exact amount, or the next note up."""
    step = rng.choices((1, 10_000, 50_000, 100_000, 500_000), (15, 30, 25, 20, 10))[0]
    return -(-due // step) * step


def _tenders(rng: random.Random, total: int) -> list[Tender]:
    roll = rng.random()
    if roll < 0.55 or total < 2:
        return [Tender("cash", _cash_given(rng, total))]
    if roll < 0.80:
        return [Tender("card", total)]
    if roll < 0.92:
        return [Tender("wallet", total)]
    card = max(1, total * rng.randrange(20, 80) // 100)
    return [Tender("card", card), Tender("cash", _cash_given(rng, total - card))]


def _one_sale(till: Session, counter: _Counter, rng: random.Random) -> bool:
    cart = Cart()
    for _ in range(rng.choices(*counter.shop.baskets)[0]):
        product_id = 1 + int((counter.shop.skus - 1) * rng.random() ** 2.5)
        cart = cart.add(products.resolve_scan(till, _scan_text(rng, counter.shop, product_id)))
    roll = rng.random()
    if roll < 0.06:
        discount = Discount("percent", rng.choice((500, 1000, 2000)))
        cart = cart.with_line_discount(rng.randrange(len(cart.lines)), discount)
    elif roll < 0.09:
        cart = cart.with_discount(Discount("percent", rng.choice((500, 1000))))
    total = price_cart(cart, till.tax_policy).total
    return counter.sell(till, cart, _tenders(rng, total)) is not None


def _void_last(supervisor: Session, shop: _Shop, clock: DemoClock) -> None:
    """The customer walks away from the sale just rung up: a supervisor voids it."""
    if not shop.recent:
        return
    reference, _ = shop.recent.pop()
    clock.now += timedelta(seconds=40)
    refund = sales.void_sale(supervisor, reference, reason="customer cancelled")
    shop.voids += 1
    shop.takings -= sum(r.amount for r in refund.refunds)


def _return_something(supervisor: Session, shop: _Shop, rng: random.Random, clock: DemoClock) -> None:
    """A customer brings one line of an earlier sale back: one piece, or the whole weighed line."""
    if len(shop.recent) < 2:
        return
    index = rng.randrange(len(shop.recent) - 1)
    reference, lines = shop.recent[index]
    if not lines:
        return
    line_no, quantity, by_piece = lines.pop(rng.randrange(len(lines)))
    reason, restock = rng.choice(RETURN_REASONS)
    clock.now += timedelta(seconds=20)
    refund = sales.return_items(supervisor, reference, [(line_no, 1000 if by_piece else quantity)], reason=reason,
                                refund_method="cash", restock=restock)
    shop.returns += 1
    shop.takings -= sum(r.amount for r in refund.refunds)


def _weekly_delivery(manager: Session, shop: _Shop, rng: random.Random, week: int) -> None:
    """Monday morning: what sold last week comes back in, rounded up to whole cases."""
    sold = sorted(shop.sold.items())
    shop.sold.clear()
    events = []
    for start in range(0, len(sold), RECEIPT_LINES):
        lines = []
        for product_id, quantity in sold[start:start + RECEIPT_LINES]:
            case = 12_000 if shop.kinds[product_id] != WEIGHED else 10_000
            lines.append((product_id, -(-quantity // case) * case))
        vendor = rng.choice(("Metro Cash & Carry", "Unilever", "Nestle", "Local Supplier"))
        events.append(_received(shop, lines, f"PO-{week:03d}-{start // RECEIPT_LINES + 1}", vendor))
    append_many(manager.ledger, events, manager.actor, at=manager.clock())
