"""Goods coming back: partial returns that add up to the line exactly, voids refunded the way the
customer paid, cash rounding on refunds, and refusals that change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.config import PricingSettings, Settings
from pos_tui.domain.cart import Cart, Discount
from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, PosError, RuleViolation
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.domain.sale import SoldLineState, returned_share
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff import authz, users

from .conftest import MILK, RICE, TEA, TEA_BARCODE, TSHIRT_S, assert_verifies, ean13, make_store


def _scan(session: Session, *scans: str) -> Cart:
    cart = Cart()
    for scan in scans:
        cart = cart.add(products.resolve_scan(session, scan))
    return cart


def _on_hand(session: Session, product_id: int) -> int:
    return products.get_product(session, product_id).on_hand


def _line(session: Session, sale_seq: int, line_no: int) -> tuple[int, int, int, int, int]:
    row = session.ledger.conn.execute(
        "SELECT quantity, returned_quantity, gross, tax, cost FROM sale_lines WHERE sale_seq = ? AND line_no = ?",
        (sale_seq, line_no),
    ).fetchone()
    return tuple(row)  # type: ignore[return-value]


@st.composite
def sold_lines_and_returns(draw: st.DrawFn) -> tuple[SoldLineState, list[int]]:
    quantity = draw(st.integers(1, 50)) * 1000 if draw(st.booleans()) else draw(st.integers(1, 50_000))
    gross = draw(st.integers(0, 10**9))
    tax = draw(st.integers(0, gross))
    line = SoldLineState(1, 1, quantity, 0, gross - tax, tax, gross, draw(st.integers(0, 10**9)), "std")
    cuts = sorted(set(draw(st.lists(st.integers(1, quantity - 1), max_size=6)))) if quantity > 1 else []
    bounds = [0, *cuts, quantity]
    return line, [b - a for a, b in pairwise(bounds)]


@given(sold_lines_and_returns())
def test_returning_a_line_in_any_number_of_goes_refunds_exactly_the_line(
    case: tuple[SoldLineState, list[int]],
) -> None:
    line, chunks = case
    returned, shares = 0, []
    for quantity in chunks:
        share = returned_share(SoldLineState(**{**line.__dict__, "returned_quantity": returned}), quantity, True)
        assert share.net + share.tax == share.gross
        assert share.gross >= 0 and share.tax >= 0
        shares.append(share)
        returned += quantity
    assert sum(s.gross for s in shares) == line.gross
    assert sum(s.tax for s in shares) == line.tax
    assert sum(s.net for s in shares) == line.net
    assert sum(s.cost for s in shares) == line.cost


def test_seven_shirts_with_an_uneven_discount_come_back_in_four_goes_to_the_paisa(store: Session) -> None:
    shirt = products.line_for(products.get_product(store, TSHIRT_S), 7000)
    cart = Cart().add(shirt).with_discount(Discount("amount", 1_001))
    sale = sales.complete_sale(store, cart, [Tender("card", 1_048_999)])
    quantity, _, gross, tax, cost = _line(store, sale.seq, 1)
    assert (quantity, gross) == (7000, 1_048_999)
    refunds = [
        sales.return_items(store, sale.reference, [(1, n * 1000)], reason="wrong size", refund_method="card")
        for n in (1, 2, 3, 1)
    ]
    assert sum(r.refund_total for r in refunds) == gross
    assert sum(line.tax for r in refunds for line in r.lines) == tax
    assert sum(line.cost for r in refunds for line in r.lines) == cost
    assert [r.reference for r in refunds] == ["RT1-000001", "RT1-000002", "RT1-000003", "RT1-000004"]
    assert _line(store, sale.seq, 1)[1] == 7000
    assert _on_hand(store, TSHIRT_S) == 10_000


def test_half_a_kilo_of_rice_back_from_a_weighed_line(store: Session) -> None:
    before = _on_hand(store, RICE)
    sale = sales.complete_sale(store, _scan(store, ean13("211234501250")), [Tender("cash", 40_000)])
    back = sales.return_items(store, sale.reference, [(1, 500)], reason="spilled bag", restock=False)
    assert back.refund_total == 16_000
    assert _on_hand(store, RICE) == before - 1250  # not restocked: the spilled rice is gone


def _refused(store: Session, sale_ref: str, items: list[tuple[int, int]], error: type[PosError], sentence: str) -> None:
    head = store.ledger.head()
    with pytest.raises(error, match=sentence):
        sales.return_items(store, sale_ref, items, reason="customer changed mind")
    assert store.ledger.head() == head


def test_returning_more_than_was_sold_or_twice_is_refused_and_changes_nothing(store: Session) -> None:
    sale = sales.complete_sale(store, _scan(store, f"3*{TEA_BARCODE}"), [Tender("cash", 135_000)])
    _refused(store, sale.reference, [(1, 4000)], RuleViolation, "Line 1 sold 3; only 3 can still come back")
    _refused(store, sale.reference, [(1, 2000), (1, 2000)], RuleViolation, "only 1 can still come back")
    sales.return_items(store, sale.reference, [(1, 2000)], reason="expired")
    _refused(store, sale.reference, [(1, 2000)], RuleViolation, "only 1 can still come back")
    sales.return_items(store, sale.reference, [(1, 1000)], reason="expired")
    _refused(store, sale.reference, [(1, 1000)], RuleViolation, "Line 1 has already been returned in full")
    _refused(store, sale.reference, [(2, 1000)], NotFound, "has no line 2")
    _refused(store, sale.reference, [(1, 0)], InvalidAmount, "must be more than zero")
    _refused(store, "T1-000099", [(1, 1000)], NotFound, "There is no sale T1-000099")
    _refused(store, "yesterday", [(1, 1000)], InvalidInput, "is not a sale number")
    with pytest.raises(RuleViolation, match="already has returns; it cannot be voided whole"):
        sales.void_sale(store, sale.reference, reason="oops")


def test_a_void_refunds_card_and_cash_as_paid_less_the_change(store: Session) -> None:
    tea_before, milk_before = _on_hand(store, TEA), _on_hand(store, MILK)
    cart = _scan(store, f"2*{TEA_BARCODE}", catalog_code(store, MILK))
    sale = sales.complete_sale(store, cart, [Tender("card", 50_000), Tender("cash", 100_000)])
    assert sale.priced.total == 118_000 and sale.change == 32_000
    void = sales.void_sale(store, sale.reference, reason="customer walked out")
    assert [(r.method, r.amount) for r in void.refunds] == [("card", 50_000), ("cash", 68_000)]
    assert void.refund_total == 118_000
    assert (_on_hand(store, TEA), _on_hand(store, MILK)) == (tea_before, milk_before)
    is_void = store.ledger.conn.execute("SELECT is_void FROM returns WHERE seq = ?", (void.seq,)).fetchone()[0]
    assert is_void == 1
    with pytest.raises(RuleViolation, match="already has returns"):
        sales.void_sale(store, sale.reference, reason="twice")
    with pytest.raises(InvalidInput, match="needs a reason"):
        sales.void_sale(store, sale.reference, reason=" ")


def catalog_code(session: Session, product_id: int) -> str:
    return products.product_barcodes(session, product_id)[0][0]


@pytest.fixture
def rounding_store(store_path: Path) -> Iterator[Session]:
    session = make_store(store_path, Settings(pricing=PricingSettings(cash_rounding_step=100)))
    yield session
    session.close()
    assert_verifies(store_path)


def test_a_cash_refund_is_rounded_to_the_smallest_coin_and_the_difference_posted(rounding_store: Session) -> None:
    store = rounding_store
    cart = _scan(store, f"3*{TEA_BARCODE}").with_discount(Discount("amount", 33))  # 1,349.67 due
    sale = sales.complete_sale(store, cart, [Tender("cash", 135_000)])
    assert (sale.priced.total, sale.rounding, sale.change) == (134_967, 33, 0)
    back = sales.return_items(store, sale.reference, [(1, 1000)], reason="dented")
    assert back.refund_total == 44_989
    assert [(r.method, r.amount) for r in back.refunds] == [("cash", 45_000)]
    card_back = sales.return_items(store, sale.reference, [(1, 1000)], reason="dented", refund_method="card")
    assert [(r.method, r.amount) for r in card_back.refunds] == [("card", 44_989)]
    rounding = store.ledger.conn.execute(
        "SELECT amount FROM postings WHERE seq = ? AND account = 'income:rounding'", (back.seq,)
    ).fetchone()[0]
    assert rounding == 11


def test_a_void_in_a_cash_rounding_store_gives_back_exactly_what_stayed_in_the_drawer(
    rounding_store: Session,
) -> None:
    store = rounding_store
    cart = _scan(store, f"3*{TEA_BARCODE}").with_discount(Discount("amount", 33))
    sale = sales.complete_sale(store, cart, [Tender("cash", 200_000)])
    void = sales.void_sale(store, sale.reference, reason="wrong customer")
    assert [(r.method, r.amount) for r in void.refunds] == [("cash", 135_000)]
    drawer = store.ledger.conn.execute(
        "SELECT SUM(amount) FROM postings WHERE account = 'assets:cash:drawer:T1' AND seq IN (?, ?)",
        (sale.seq, void.seq),
    ).fetchone()[0]
    assert drawer == 0
    income = store.ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account LIKE 'income:%' AND seq IN (?, ?)",
        (sale.seq, void.seq),
    ).fetchone()[0]
    assert income == 0


def test_a_return_without_a_receipt_needs_a_supervisor_and_refunds_todays_price(store: Session) -> None:
    users.add_user(store, "cara", "1234", role="cashier")
    users.add_user(store, "sam", "234567", role="supervisor")
    cashier = store.as_user("cara")
    head = store.ledger.head()
    tea_before = _on_hand(store, TEA)
    with pytest.raises(PermissionRequired):
        sales.return_without_receipt(cashier, _scan(store, f"2*{TEA_BARCODE}"), reason="damaged")
    assert store.ledger.head() == head  # refused before anything was written

    approval = authz.approve(cashier, "sam", "234567", Action.RETURN_WITHOUT_RECEIPT, "regular customer")
    done = sales.return_without_receipt(cashier, _scan(store, f"2*{TEA_BARCODE}"), reason="damaged",
                                        approval=approval)

    tea = products.get_product(store, TEA)
    assert done.refund_total == 2 * tea.price
    assert [(line.sale_line_no, line.quantity) for line in done.lines] == [(0, 2000)]
    assert _on_hand(store, TEA) == tea_before + 2000
    sale_seq, approvals = store.ledger.conn.execute(
        "SELECT r.sale_seq, json_extract(j.payload, '$.approvals') FROM returns r JOIN journal j USING (seq)"
        " WHERE r.seq = ?", (done.seq,)).fetchone()
    assert sale_seq is None  # flagged: no sale behind it
    assert '"approver":"sam"' in approvals and '"reason":"regular customer"' in approvals
