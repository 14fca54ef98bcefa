"""The customer's pole display during a sale: the last item and the running total, then the change.

Best-effort: a display that is missing or stops answering never holds up the sale. After the first
failure the display is left alone until the next sale, and ``problem`` says what to check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pos_tui.devices.errors import DeviceError
from pos_tui.devices.pole_display import PoleDisplay, sale_lines

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.domain.money import Currency


class CustomerDisplay:
    def __init__(self, settings: Settings, currency: Currency) -> None:
        config = settings.devices.pole_display
        self._display = PoleDisplay(config.to_config()) if config is not None else None
        self._currency = currency
        self.problem = ""

    @property
    def enabled(self) -> bool:
        return self._display is not None

    def show_item(self, name: str, price: int, total: int) -> None:
        """A line went into the cart: its name and price, and the cart's total."""
        self._show(*sale_lines(name, self._money(price), "Total", self._money(total)))

    def show_paid(self, total: int, change: int) -> None:
        """The sale is paid: what it came to and the change to hand over."""
        self._show(*sale_lines("Total", self._money(total), "Change", self._money(change)))

    def new_sale(self) -> None:
        """Clear the display and try it again if it failed during the last sale."""
        self.problem = ""
        if self._display is not None:
            self._guarded(self._display.clear)

    def close(self) -> None:
        if self._display is not None:
            self._display.close()

    def _money(self, minor: int) -> str:
        return self._currency.format(minor, symbol=False)

    def _show(self, line1: str, line2: str) -> None:
        display = self._display
        if display is not None:
            self._guarded(lambda: display.show(line1, line2))

    def _guarded(self, write: Callable[[], None]) -> None:
        if self.problem:
            return
        try:
            write()
        except DeviceError as error:
            self.problem = str(error)
