"""The shortest whole story: scan, pay cash, get change, and the books verify."""

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session

from .conftest import TEA_BARCODE


def test_cash_sale_of_three_teas_gives_change_and_lowers_stock(store: Session) -> None:
    cart = Cart().add(products.resolve_scan(store, f"3*{TEA_BARCODE}"))
    sale = sales.complete_sale(store, cart, [Tender("cash", 150_000)])
    assert sale.priced.total == 135_000
    assert sale.change == 15_000
    assert sale.reference == "T1-000001"
    assert products.show_product(store, TEA_BARCODE).on_hand == 97_000
