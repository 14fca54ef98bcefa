"""A small restaurant for the floor's stories: two floors, a kitchen and a bar, a menu with portions."""

from __future__ import annotations

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
