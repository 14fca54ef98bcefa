"""Settings: pydantic models loaded from TOML. The only module that reads configuration files.

Lookup order (``config_file.find_config``): ``--config PATH``, ``$POS_CONFIG``, ``/etc/pos/pos.toml``,
``./config/pos.toml``; with none of them, the defaults below (a demo-friendly PKR store). A broken
file is reported with the key and the line it is on, never with a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from pos_tui.backup.settings import BackupSettings
from pos_tui.config_file import DEFAULT_DATABASE_PATH, DEFAULT_TERMINAL_ID, find_config
from pos_tui.devices.settings import DeviceSettings
from pos_tui.domain.barcode import InStoreLayout
from pos_tui.domain.customer_events import LOYALTY_LIABILITY, STORE_CREDIT_LIABILITY
from pos_tui.domain.errors import ConfigError
from pos_tui.domain.loyalty import LoyaltyRules
from pos_tui.domain.money import Currency, Rounding
from pos_tui.domain.permissions import BUILT_IN_ROLES, Action
from pos_tui.domain.tax import TaxClass, TaxPolicy, TaxRounding
from pos_tui.domain.tender import TenderMethod
from pos_tui.services.api.settings import ApiSettings
from pos_tui.services.giftcards.settings import GiftCardSettings
from pos_tui.services.messaging.settings import EmailSettings, OutboxSettings, SmsSettings

CUSTOMER_TENDERS = (
    TenderMethod("points", "Points", False, LOYALTY_LIABILITY),
    TenderMethod("store-credit", "Store credit", False, STORE_CREDIT_LIABILITY),
)
MAX_EXPONENT = 4


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    """The store as it appears on receipts and reports. Fixed in the database at `pos init`."""

    name: str = "Demo Store"
    """Printed at the top of every receipt."""
    currency: str = "PKR"
    """ISO 4217 code."""
    exponent: int = 2
    """Decimal places of the currency (PKR 2, JPY 0): amounts are stored in these minor units."""
    symbol: str = "Rs"
    """Printed before amounts."""
    timezone: str = "Asia/Karachi"
    """IANA timezone of the store: business days and reports use it."""
    day_starts_at_hour: int = Field(default=0, ge=0, le=12)
    """Business-day cut-off for stores open past midnight: sales before this hour count for the day before."""
    tax_id: str = ""
    """Tax registration number printed on receipts."""
    address: list[str] = Field(default_factory=list)
    """Address lines printed under the store name."""
    language: str = "en"
    """Receipt language (chooses the printer code page; ur/ar print shaped text as images)."""

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        import pycountry  # its tables load on first use: only a config that names a currency pays for them

        if not re.fullmatch(r"[A-Z]{3}", value) or pycountry.currencies.get(alpha_3=value) is None:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code; use one like PKR, USD or EUR")
        return value

    @field_validator("exponent")
    @classmethod
    def _decimal_places(cls, value: int) -> int:
        if not 0 <= value <= MAX_EXPONENT:
            raise ValueError(f"a currency has 0 to {MAX_EXPONENT} decimal places (PKR 2, JPY 0, KWD 3), not {value}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r}; use an IANA name like Asia/Karachi") from error
        return value


class TerminalSettings(_Section):
    id: str = Field(default=DEFAULT_TERMINAL_ID, pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """This till's id: sale numbers are gapless per terminal and its drawer has its own cash account."""
    mode: Literal["retail", "restaurant", "both"] = "retail"
    """What this till is for: the counter (bucket), the floor of a restaurant (Ctrl+B), or both."""


class DatabaseSettings(_Section):
    path: Path = DEFAULT_DATABASE_PATH
    """The store database (one SQLite file on a local disk, never on NFS/SMB)."""
    clock_step_tolerance_seconds: int = Field(default=300, ge=0, le=24 * 3600)
    """How far a till's clock may step back (an NTP correction) before `pos db verify` calls an entry
    back-dated. An entry earlier than the Z it follows fails whatever this says."""


class TaxClassSettings(_Section):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,24}$")
    name: str
    rate_bp: int = Field(ge=0, le=10_000)
    """Rate in basis points: 1700 = 17%."""


class TenderSettings(_Section):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,24}$")
    label: str
    cash: bool = False
    """Cash gives change and goes into the drawer; other methods pay exact amounts."""
    account: str = ""
    """Ledger account the money goes to; `{terminal}` is replaced by the terminal id."""


class PricingSettings(_Section):
    prices_include_tax: bool = True
    """Shelf prices include tax (typical for retail) or tax is added at the till."""
    rounding: Rounding = Rounding.HALF_UP
    tax_rounding: TaxRounding = TaxRounding.LINE
    """Round tax per line or once per rate over the whole receipt."""
    cash_rounding_step: int = Field(default=1, ge=1)
    """Cash due is rounded to this many minor units (the smallest coin in use); the difference posts to
    income:rounding."""
    negative_stock: Literal["allow", "warn", "block"] = "warn"
    """Selling more than is on hand: allow silently, allow with a warning, or refuse."""


class InStoreLayoutSettings(_Section):
    pattern: str
    """13 characters: literal prefix digits, I item, P price, W weight (g), Q count, V price check, K check."""


class BarcodeSettings(_Section):
    eight_digit: Literal["ean8", "upce"] = "ean8"
    """How 8-digit codes are read: EAN-8, or UPC-E to be expanded."""
    instore: list[InStoreLayoutSettings] = Field(
        default_factory=lambda: [
            InStoreLayoutSettings(pattern="20IIIIIPPPPPK"),
            InStoreLayoutSettings(pattern="21IIIIIWWWWWK"),
        ]
    )
    """In-store variable-measure layouts (prefix 20-29), tried in order."""


RoleName = Literal["", "cashier", "supervisor", "manager", "admin"]


class RoleSettings(_Section):
    """A role: the actions of the role it extends, plus ``actions``, minus ``without``.

    A built-in name (``[staff.roles.cashier]``) starts from the built-in role; a new name starts empty
    unless it says ``extends``."""

    extends: RoleName = ""
    """A built-in role to start from."""
    actions: list[Action] = Field(default_factory=list)
    """Actions added, e.g. ["void_line", "no_sale"] (see `pos user roles` for every action)."""
    without: list[Action] = Field(default_factory=list)
    """Actions taken away from the role it starts from."""
    discount_limit_bp: int | None = Field(default=None, ge=0, le=10_000)
    """The largest discount (basis points) this role gives without a supervisor; unset: staff.discount_limit_bp."""


class CommissionRuleSettings(_Section):
    """One commission rule: a percentage of the net sale (basis points) or a flat amount per item sold,
    for a category or one SKU. The first matching rule counts; SKU rules are tried before category rules."""

    category: str = ""
    sku: str = ""
    percent_bp: int = Field(default=0, ge=0, le=10_000)
    flat_per_item: int = Field(default=0, ge=0)
    """Minor units per item (per 1 kg of a weighed product)."""

    @model_validator(mode="after")
    def _one_target_one_amount(self) -> CommissionRuleSettings:
        if bool(self.category) == bool(self.sku):
            raise ValueError("give either category or sku")
        if bool(self.percent_bp) == bool(self.flat_per_item):
            raise ValueError("give either percent_bp or flat_per_item")
        return self


class StaffSettings(_Section):
    """Who may do what, PIN lockout, the idle lock and commissions."""

    pin_attempts: int = Field(default=5, ge=1, le=100)
    """Wrong PINs in a row before a user is locked out (and before a read-only seat closes)."""
    approver_pin_digits: int = Field(default=6, ge=4, le=8)
    """The shortest PIN of a role that approves (holds a void, an override, a paid-out... beyond a
    cashier's actions): anyone who can read the store can try PINs against its hashes offline, and 6
    digits make that a hundred times longer than 4. A shorter PIN of such a role is refused at use."""
    lockout_minutes: int = Field(default=5, ge=1, le=24 * 60)
    """How long a locked-out user waits (an admin can unlock sooner: `pos user unlock NAME`)."""
    idle_lock_minutes: int = Field(default=5, ge=0, le=24 * 60)
    """The till locks itself after this many idle minutes (0: never)."""
    discount_limit_bp: int = Field(default=1000, ge=0, le=10_000)
    """The largest discount a role without discount_above_limit gives alone (1000 = 10%)."""
    roles: dict[str, RoleSettings] = Field(default_factory=dict)
    """Custom roles, or changes to built-in ones: [staff.roles.NAME]."""
    commission: list[CommissionRuleSettings] = Field(default_factory=list)
    """Commission rules for the commission report ([[staff.commission]])."""
    cli_user: str = Field(default="", pattern=r"^([A-Za-z_][A-Za-z0-9_]{0,31})?$")
    """Who `pos` commands act as when `--user` is not given: a user of this store (empty: `--user` is required)."""

    @field_validator("roles")
    @classmethod
    def _role_names(cls, value: dict[str, RoleSettings]) -> dict[str, RoleSettings]:
        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9_-]{0,23}", name):
                raise ValueError(f"role name {name!r} must be lower-case letters, digits, _ or - (up to 24)")
        return value

    def role_names(self) -> tuple[str, ...]:
        return (*BUILT_IN_ROLES, *(name for name in self.roles if name not in BUILT_IN_ROLES))


_ACCOUNT = r"^(assets|liabilities|equity|income|expenses)(:[A-Za-z0-9][A-Za-z0-9-]*)+$"
_CATEGORY = r"^[a-z0-9][a-z0-9_-]{0,31}$"


class CashSettings(_Section):
    """Cash control: counting the drawer, floats, paid-in/out categories and selling without a shift."""

    denominations: list[int] = Field(
        default_factory=lambda: [500000, 100000, 50000, 10000, 5000, 2000, 1000, 500, 200, 100]
    )
    """Notes and coins counted at shift open and close, in minor units (Rs 5,000 = 500000)."""
    float_default: int = Field(default=0, ge=0)
    """The float a new shift starts with when none is typed or counted (minor units, from the safe)."""
    no_shift: Literal["auto-open", "refuse"] = "auto-open"
    """Selling on a terminal with no open shift: the sale starts a shift (float 0), or is refused."""
    expense_categories: dict[str, str] = Field(
        default_factory=lambda: {
            "supplies": "expenses:supplies", "cleaning": "expenses:cleaning", "transport": "expenses:transport",
            "utilities": "expenses:utilities", "staff-meals": "expenses:staff-meals", "misc": "expenses:misc",
        }
    )
    """Paid-outs and expenses: category -> ledger account."""
    paid_in_categories: dict[str, str] = Field(
        default_factory=lambda: {"owner": "equity:owner", "misc": "income:misc"}
    )
    """Paid-ins: category -> ledger account the cash comes from."""
    snapshot_on_close: bool = True
    """Take a backup snapshot after each shift close and Z when backups are configured."""

    @field_validator("denominations")
    @classmethod
    def _positive_and_distinct(cls, value: list[int]) -> list[int]:
        if not value or any(d <= 0 for d in value) or len(set(value)) != len(value):
            raise ValueError("denominations must be distinct amounts above zero, in minor units")
        return sorted(value, reverse=True)

    @field_validator("expense_categories", "paid_in_categories")
    @classmethod
    def _accounts_are_ledger_names(cls, value: dict[str, str]) -> dict[str, str]:
        for category, account in value.items():
            if not re.match(_CATEGORY, category):
                raise ValueError(f"category {category!r}: use lower-case letters, digits, - and _")
            if not re.match(_ACCOUNT, account):
                raise ValueError(
                    f"account {account!r} of {category!r}: use e.g. expenses:cleaning (top level assets, liabilities,"
                    " equity, income or expenses)"
                )
        return value


def _shrinkage_reasons() -> dict[str, str]:
    return {
        "count": "expenses:shrinkage", "damaged": "expenses:shrinkage:damaged",
        "expired": "expenses:shrinkage:expired", "theft": "expenses:shrinkage:theft",
        "found": "expenses:shrinkage", "sample": "expenses:marketing",
    }


class InventorySettings(_Section):
    """The stock room: why stock moves (each reason posts to its account), and selling expired goods."""

    adjustment_reasons: dict[str, str] = Field(default_factory=_shrinkage_reasons)
    """Stock adjustments, stocktake postings and write-offs: reason -> the account the value goes to."""
    return_reasons: list[str] = Field(
        default_factory=lambda: ["damaged", "faulty", "expired", "wrong-size", "changed-mind"]
    )
    """Why goods come back. A return written off stays in the cost of sales (the reports' cost ties to
    expenses:cogs) and shows by reason in the returns-by-reason report, so these need no account."""
    open_item_category: str = "Departments"
    """Products in this category are departments: sold as open items at a price typed at the till (their
    tax class and name come from the product), for goods not in the catalogue."""
    expired_sale: Literal["refuse", "supervisor"] = "refuse"
    """Selling an item whose GS1 code says it is past its date: refused, or allowed with a supervisor."""

    @field_validator("adjustment_reasons")
    @classmethod
    def _reasons_have_accounts(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("give at least one reason")
        return CashSettings._accounts_are_ledger_names(value)

    @field_validator("return_reasons")
    @classmethod
    def _reasons_are_names(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("give at least one reason, each once")
        CashSettings._accounts_are_ledger_names({reason: "expenses:x" for reason in value})
        return value


class LoyaltySettings(_Section):
    """Loyalty points: how customers earn them, what they are worth, when they expire."""

    spend_per_point: int = Field(default=100, ge=1)
    """Minor units spent for one point (100 with 2 decimals: one point per 1.00 spent)."""
    value_per_point: int = Field(default=1, ge=1)
    """Minor units a point pays for when redeemed (1: a point is worth 0.01)."""
    categories: dict[str, int] = Field(default_factory=dict)
    """Per-category multipliers in per cent, e.g. `Tea = 200` (double points), `Tobacco = 0` (none)."""
    exclude: list[str] = Field(default_factory=list)
    """Categories that earn no points (the same as a multiplier of 0)."""
    min_redeem: int = Field(default=0, ge=0)
    """Points a customer must hold before any can be spent."""
    expiry_months: int = Field(default=12, ge=0)
    """Points expire this many months after they were earned (0: never); `pos customer expire-points`."""
    spent_points_on_return: Literal["reduce-refund", "negative"] = "reduce-refund"
    """A return takes back the points its lines earned. When they were already spent: reduce the refund by
    their value (the receipt says so), or let the balance go below zero."""
    card_prefix: str = Field(default="28", pattern=r"^[0-9]{1,4}$")
    """Customer cards are EAN-13 codes starting with this (28: a shop's own numbers, GS1 restricted)."""
    offline_after_minutes: int = Field(default=0, ge=0)
    """In a chain: once head office has not been heard for this long, points worth more than
    `offline_redeem_limit` are refused until the store syncs (0: never refused)."""
    offline_redeem_limit: int = Field(default=0, ge=0)
    """Minor units of points one sale may redeem while the store is offline (see `offline_after_minutes`)."""

    def rules(self) -> LoyaltyRules:
        multipliers = {**self.categories, **dict.fromkeys(self.exclude, 0)}
        return LoyaltyRules(self.spend_per_point, self.value_per_point, multipliers, self.min_redeem,
                            self.expiry_months, self.spent_points_on_return)
class FloorSettings(_Section):
    """One floor (a room, the terrace) of a restaurant: its name and its tables' numbers."""

    name: str = Field(min_length=1, max_length=24)
    tables: list[int] = Field(min_length=1)
    """The tables' numbers, each unique in the store (a waiter jumps to one by typing it)."""


class StationSettings(_Section):
    """A kitchen station (kitchen, bar...) and where its tickets print."""

    printer: str = "none"
    """The station's printer URI (tcp://10.0.0.8:9100...), or none: tickets only on screen."""
    backup: str = "none"
    """Where its tickets go while its printer is down (the waiter is told), or none."""


class ModifierSettings(_Section):
    """A modifier a line may carry: "extra cheese" at a price, "no onions" free."""

    name: str = Field(min_length=1, max_length=32)
    price: int = Field(default=0, ge=0)
    """Minor units added to the line per unit (0: free)."""
    applies_to: list[str] = Field(default_factory=list)
    """The categories and SKUs it is allowed on ("Pizza", "sku:PZ-L"); empty: every item."""


class RestaurantSettings(_Section):
    """Restaurant mode: floors and tables, kitchen stations, modifiers."""

    floors: list[FloorSettings] = Field(default_factory=list)
    stations: dict[str, StationSettings] = Field(default_factory=lambda: {"kitchen": StationSettings()})
    """Stations by name; each category's lines go to the station named in ``category_stations``."""
    category_stations: dict[str, str] = Field(default_factory=dict)
    """Category -> station ("Drinks" = "bar"); other categories go to ``default_station``."""
    default_station: str = "kitchen"
    modifiers: list[ModifierSettings] = Field(default_factory=list)

    @field_validator("floors")
    @classmethod
    def _tables_unique(cls, value: list[FloorSettings]) -> list[FloorSettings]:
        numbers = [n for floor in value for n in floor.tables]
        if len(set(numbers)) != len(numbers) or any(n <= 0 for n in numbers):
            raise ValueError("table numbers must be positive and each used once across the floors")
        return value

    @model_validator(mode="after")
    def _stations_exist(self) -> RestaurantSettings:
        named = {self.default_station, *self.category_stations.values()}
        unknown = sorted(named - set(self.stations))
        if unknown:
            raise ValueError(f"station {unknown[0]!r} is not under [restaurant.stations] ({', '.join(self.stations)})")
        return self


def _default_tax_classes() -> list[TaxClassSettings]:
    return [
        TaxClassSettings(code="std", name="GST 17%", rate_bp=1700),
        TaxClassSettings(code="reduced", name="GST 5%", rate_bp=500),
        TaxClassSettings(code="exempt", name="Exempt", rate_bp=0),
    ]


def _default_tenders() -> list[TenderSettings]:
    return [
        TenderSettings(code="cash", label="Cash", cash=True, account="assets:cash:drawer:{terminal}"),
        TenderSettings(code="card", label="Card", account="assets:bank:card-clearing"),
        TenderSettings(code="wallet", label="Wallet", account="assets:bank:wallet-clearing"),
        TenderSettings(code="gift-card", label="Gift card", account="liabilities:gift-cards"),
    ]


class ChainSettings(_Section):
    """This store in a chain: how `pos sync` signs in to head office's NATS (paths relative to this file)."""

    url: str | None = None
    """Head office's NATS server (TLS: tls://...): `pos sync`'s default, whom the warehouse asks for other
    stores' stock, and where `pos db verify` asks head office's head. None: the store is in no chain (the
    warehouse shows no other stores; verify asks only with `--nats`, POS_NATS_URL or credentials set)."""
    namespace: str = "pos"
    """The chain's subjects and streams on that server (`pos sync --namespace`)."""
    ask_timeout_ms: int = Field(default=1500, ge=100, le=60_000)
    """How long the warehouse waits for head office's answer about other stores' stock."""
    credentials: Path | None = None
    """The file with this terminal's NATS key (`pos hq store add` made it; mode 0600). None: no sign-in."""
    ca_file: Path | None = None
    """The CA certificate (PEM) that signed head office's NATS certificate; set, `pos sync` speaks TLS."""

    def key_and_ca(self, config_file: Path | None) -> tuple[Path | None, Path | None]:
        """``credentials`` and ``ca_file`` as paths to open: a relative one is beside ``config_file``."""

        def beside(path: Path | None) -> Path | None:
            if path is None or path.is_absolute() or config_file is None:
                return path
            return config_file.parent / path

        return beside(self.credentials), beside(self.ca_file)


class Settings(_Section):
    store: StoreSettings = Field(default_factory=StoreSettings)
    terminal: TerminalSettings = Field(default_factory=TerminalSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    pricing: PricingSettings = Field(default_factory=PricingSettings)
    tax_classes: list[TaxClassSettings] = Field(default_factory=_default_tax_classes, min_length=1)
    tenders: list[TenderSettings] = Field(default_factory=_default_tenders, min_length=1)
    barcodes: BarcodeSettings = Field(default_factory=BarcodeSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    devices: DeviceSettings = Field(default_factory=DeviceSettings)
    cash: CashSettings = Field(default_factory=CashSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    inventory: InventorySettings = Field(default_factory=InventorySettings)
    gift_cards: GiftCardSettings = Field(default_factory=GiftCardSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    loyalty: LoyaltySettings = Field(default_factory=LoyaltySettings)
    restaurant: RestaurantSettings = Field(default_factory=RestaurantSettings)
    chain: ChainSettings = Field(default_factory=ChainSettings)
    keymap: dict[str, str] = Field(default_factory=dict)
    """Site key map: binding id -> keys, e.g. `"bucket.pay" = "f11"` (see the help screen for the ids)."""
    source: Path | None = None
    """The file these settings came from (None: built-in defaults)."""

    @field_validator("tenders")
    @classmethod
    def _tenders_have_accounts(cls, value: list[TenderSettings]) -> list[TenderSettings]:
        codes = [t.code for t in value]
        if len(set(codes)) != len(codes):
            raise ValueError("two tenders share a code")
        return value

    # Domain views of the settings -------------------------------------------------------------

    def currency(self) -> Currency:
        return Currency(self.store.currency, self.store.exponent, self.store.symbol)

    def tax_policy(self) -> TaxPolicy:
        return TaxPolicy(self.pricing.prices_include_tax, self.pricing.rounding, self.pricing.tax_rounding)

    def tax_class_list(self) -> list[TaxClass]:
        return [TaxClass(t.code, t.name, t.rate_bp) for t in self.tax_classes]

    def tender_methods(self) -> dict[str, TenderMethod]:
        methods = {
            t.code: TenderMethod(t.code, t.label, t.cash, t.account or f"assets:tender:{t.code}")
            for t in self.tenders
        }
        # What the shop owes its customers, spent as tenders (a customer must be attached).
        return {**methods, **{m.code: m for m in CUSTOMER_TENDERS if m.code not in methods}}

    def instore_layouts(self) -> list[InStoreLayout]:
        return [InStoreLayout(layout.pattern) for layout in self.barcodes.instore]


def load_settings(explicit: Path | None = None) -> Settings:
    path = find_config(explicit)
    if path is None:
        return Settings()
    return parse_settings(path.read_bytes(), path)


def parse_settings(data: bytes, path: Path) -> Settings:
    try:
        text = data.decode("utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not UTF-8 text ({error.reason}).", "Save the file as UTF-8.") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}.", "Fix the TOML syntax on that line.") from error
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as error:
        lines = _key_lines(text)
        problems = []
        for issue in error.errors():
            key = ".".join(str(part) for part in issue["loc"])
            line = lines.get(key) or lines.get(key.rsplit(".", 1)[0])
            where = f" (line {line})" if line else ""
            problems.append(f"{key}{where}: {_in_words(issue)}")
        raise ConfigError(f"{path}: " + "; ".join(problems) + ".", "Fix the value and start again.") from error
    return settings.model_copy(update={"source": path})


def _in_words(issue: ErrorDetails) -> str:
    """pydantic's message for one problem without its "Value error, " prefix (our validators speak for themselves)."""
    message = str(issue["msg"])
    return message.removeprefix("Value error, ")


# `pos init` options and the settings they set.
_INIT_OPTIONS = {"store.name": "--name", "store.currency": "--currency", "store.exponent": "--exponent",
                 "store.symbol": "--symbol", "store.timezone": "--timezone", "terminal.id": "--terminal"}


def with_store_overrides(settings: Settings, store: dict[str, object], terminal: str | None = None) -> Settings:
    """``settings`` with the store details (and terminal id) given to `pos init`, checked like a config
    file: a bad value is a ConfigError naming the option, in words."""
    if not store and not terminal:
        return settings
    raw = settings.model_dump(exclude={"source"})
    raw["store"].update(store)
    if terminal:
        raw["terminal"]["id"] = terminal
    try:
        return Settings.model_validate(raw).model_copy(update={"source": settings.source})
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            key = ".".join(str(part) for part in issue["loc"][:2])
            option = _INIT_OPTIONS.get(key, key)
            if key == "terminal.id":
                problems.append(f"{option} {terminal!r} must be 1 to 16 letters, digits, - or _")
            else:
                problems.append(f"{option}: {_in_words(issue)}")
        raise ConfigError("; ".join(problems) + ".",
                          "Nothing was created; run `pos init` again with that fixed.") from None


_TABLE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """Map dotted keys ("store.currency", "tenders.1.code") to the line they are on."""
    found: dict[str, int] = {}
    prefix = ""
    array_counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TABLE.match(line)
        if table:
            name = table.group(1)
            if line.lstrip().startswith("[["):
                index = array_counts.get(name, -1) + 1
                array_counts[name] = index
                prefix = f"{name}.{index}"
            else:
                prefix = name
            found.setdefault(prefix, number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault(f"{prefix}.{key.group(1)}" if prefix else key.group(1), number)
    return found
