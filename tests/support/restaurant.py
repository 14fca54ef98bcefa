"""A small restaurant for the floor's stories: two floors, a kitchen and a bar, a menu with portions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pos_tui.config import FloorSettings, ModifierSettings, RestaurantSettings, Settings, StationSettings
from pos_tui.devices.settings import PrinterConfig
from pos_tui.domain.events import ProductDetails
from pos_tui.services.catalog import products
from pos_tui.services.session import Session

MENU = (
    ProductDetails("PZ-S", "Pizza", "Pizza", "Kitchen", "each", 80000, 30000, "std", 0, "Pizza", "Small"),
    ProductDetails("PZ-L", "Pizza", "Pizza", "Kitchen", "each", 140000, 50000, "std", 0, "Pizza", "Large"),
    ProductDetails("SOUP", "Lentil Soup", "Starters", "Kitchen", "each", 45000, 10000, "std", 0),
    ProductDetails("KHEER", "Kheer", "Desserts", "Kitchen", "each", 35000, 9000, "std", 0),
    ProductDetails("COLA", "Cola", "Drinks", "Bar", "each", 15000, 6000, "reduced", 0),
    ProductDetails("LASSI", "Lassi", "Drinks", "Bar", "each", 25000, 8000, "reduced", 0),
)


def restaurant_settings(spool: Path, *, kitchen: str = "none", bar: str = "none", kitchen_backup: str = "none",
                        floors: int = 2, per_floor: int = 10) -> Settings:
    tables = [FloorSettings(name=name, tables=list(range(n * 100 + 1, n * 100 + per_floor + 1)) if n else
                            list(range(1, per_floor + 1)))
              for n, name in enumerate(["Main", "Terrace"][:floors])]
    return Settings(
        devices={"printer": PrinterConfig(spool_dir=spool, retry_initial_seconds=0.05, retry_max_seconds=0.2)},
        restaurant=RestaurantSettings(
            floors=tables,
            stations={"kitchen": StationSettings(printer=kitchen, backup=kitchen_backup),
                      "bar": StationSettings(printer=bar)},
            category_stations={"Drinks": "bar"},
            modifiers=[ModifierSettings(name="extra cheese", price=15000, applies_to=["Pizza"]),
                       ModifierSettings(name="no onions", applies_to=["Pizza", "Starters"]),
                       ModifierSettings(name="no ice", applies_to=["Drinks"])],
        ),
    )


def add_menu(session: Session) -> None:
    products.add_products(session, MENU)


@dataclass(frozen=True)
class PrintedTicket:
    station: str
    number: int
    void: bool
    reprint: bool
    table: int
    lines: tuple[int, ...]  # order line numbers, as printed after '#'


def read_ticket(job: bytes, profile: str = "TM-T88III") -> PrintedTicket:
    """A kitchen ticket read back from the ESC/POS bytes a station's printer received."""
    from tests.devices.escpos_decoder import decode
    from tests.devices.sample_receipt import profile_code_pages

    texts = [text.strip() for text in decode(job, profile_code_pages(profile)).texts()]
    number = next(int(t.split()[1]) for t in texts if t.startswith("Ticket "))
    table = next(int(t.split()[1]) for t in texts if t.startswith("Table "))
    lines = tuple(int(t.rsplit("#", 1)[1]) for t in texts if " x " in t and "#" in t)
    return PrintedTicket(texts[0].lower(), number, "*** VOID ***" in texts, "** REPRINT **" in texts, table, lines)
