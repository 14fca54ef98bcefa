"""The bucket's goods without a barcode: the quick-key grid (a category's key, then an item's) and open
items (a department at a typed price).

A mixin of `BucketScreen` (it uses the screen's cart, session, scan field, ``add_line`` and ``reject``).
"""

from __future__ import annotations

from textual.widgets import Input

from pos_tui.domain.errors import PosError
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.catalog import products
from pos_tui.tui.dialogs.approval import approve_then
from pos_tui.tui.dialogs.form import Field, FormDialog


class GoodsWithoutBarcode:
    """Mixed into `BucketScreen`: uses its ``cart``, ``session``, ``add_line`` and ``reject``."""

    def action_quick_keys(self) -> None:
        """Goods without a barcode from the grid; a quantity typed first ("0.5", "3") counts, else one."""
        from pos_tui.services.inventory import quick_keys
        from pos_tui.tui.dialogs.quick_keys import QuickKeyDialog

        typed = self.query_one("#scan", Input).value.strip().rstrip("*")

        def picked(product_id: int | None) -> None:
            if product_id is None:
                return
            try:
                product = products.get_product(self.session, product_id)
                products.refuse_retired(product, "sold")
                quantity = parse_quantity(typed) if typed else 1000
            except PosError as error:
                self.reject(typed or str(product_id), str(error))
                return
            self.query_one("#scan", Input).value = ""
            self.add_line(products.line_for(product, quantity))

        self.app.push_screen(QuickKeyDialog(quick_keys.grid(self.session), self.session.currency), picked)

    def action_open_item(self) -> None:
        """A line for what is not in the catalogue: a department and the price the customer pays."""
        from pos_tui.services.inventory import open_items

        names = tuple(department.name for department in open_items.departments(self.session))

        def asked(answer: dict[str, str] | None) -> None:
            if answer is None:
                return

            def then(approval: Approval | None) -> None:
                try:
                    price = self.session.currency.parse(answer["price"])
                    line = open_items.open_item_line(self.session, answer["department"], price, approval=approval)
                except PosError as error:
                    self.reject(answer["department"], str(error))
                    return
                if approval is not None:
                    self.cart = self.cart.with_approval(approval)  # the sale event names the supervisor
                self.add_line(line)

            approve_then(self.app, Action.OPEN_ITEM, then, reason="open item")

        self.app.push_screen(FormDialog("Open item", [Field("department", "Department", choices=names),
                                                      Field("price", "Price")]), asked)
