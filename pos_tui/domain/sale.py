"""Turning a priced cart and its settlement into a sale event, and goods coming back into a return.

Pure functions: the services look up numbers and stock, these decide the amounts and postings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pos_tui.domain.cart import PricedCart
from pos_tui.domain.customer_events import LOYALTY_EXPENSE, LOYALTY_LIABILITY
from pos_tui.domain.events import (
    ReturnedLine,
    SaleCompleted,
    SaleCustomer,
    SaleReturned,
    SoldBatch,
    SoldLine,
    TenderLine,
)
from pos_tui.domain.giftcards import GIFT_CARDS, GiftCardMove
from pos_tui.domain.gs1 import label_of
from pos_tui.domain.money import Rounding, round_div
from pos_tui.domain.postings import COGS, INVENTORY, ROUNDING, SALES, Posting, combine, tax_account
from pos_tui.domain.tender import Settlement, TenderMethod


def sale_event(
    terminal: str,
    number: int,
    priced: PricedCart,
    settlement: Settlement,
    methods: Mapping[str, TenderMethod],
    gift_cards: Sequence[GiftCardMove] = (),
    customer: SaleCustomer | None = None,
) -> SaleCompleted:
    """``gift_cards``: the cart's cards loaded and the cards paid with, as moves; a load credits the
    gift-card liability (paying with a card debits it through the tender's account)."""
    lines = tuple(
        SoldLine(
            line_no=n,
            product_id=p.line.product_id,
            sku=p.line.sku,
            name=p.line.name,
            unit=p.line.unit,
            quantity=p.line.quantity,
            unit_price=p.line.unit_price,
            list_price=p.line.list_price,
            price_source=p.line.price_source,
            line_discount=p.line_discount,
            cart_discount=p.cart_discount,
            net=p.net,
            tax=p.tax,
            gross=p.gross,
            tax_class=p.line.tax_class,
            tax_rate_bp=p.line.tax_rate_bp,
            unit_cost=p.line.unit_cost,
            cost=p.cost,
            barcode=p.line.barcode,
        )
        for n, p in enumerate(priced.lines, start=1)
    )
    # Tenders Dr (cash net of change), sales and tax Cr, rounding Cr, cost of goods out of inventory.
    legs = []
    change_left = settlement.change
    for tender in settlement.tenders:
        method = methods[tender.method]
        amount = tender.amount
        if method.is_cash and change_left:
            given_back = min(change_left, amount)
            amount -= given_back
            change_left -= given_back
        legs.append(Posting(method.account_for(terminal), amount))
    legs.append(Posting(SALES, -priced.net_total))
    legs.extend(Posting(tax_account(bucket.tax_class), -bucket.tax) for bucket in priced.taxes)
    legs.append(Posting(ROUNDING, -settlement.rounding))
    legs.extend([Posting(COGS, priced.cost_total), Posting(INVENTORY, -priced.cost_total)])
    legs.append(Posting(GIFT_CARDS, -priced.gift_card_total))
    if customer is not None:  # the points earned: owed to the customer from now on
        earned = customer.earned_value
        legs.extend([Posting(LOYALTY_EXPENSE, earned), Posting(LOYALTY_LIABILITY, -earned)])
    labels = ((n, label_of(p.line.barcode)) for n, p in enumerate(priced.lines, start=1))
    batches = tuple(SoldBatch(n, label.lot, label.best_before, label.expiry) for n, label in labels
                    if label is not None and (label.lot or label.use_by))
    return SaleCompleted(
        terminal=terminal,
        number=number,
        lines=lines,
        tenders=tuple(TenderLine(t.method, t.amount) for t in settlement.tenders),
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        tax_total=priced.tax_total,
        total=priced.total,
        rounding=settlement.rounding,
        change=settlement.change,
        cost_total=priced.cost_total,
        posted=combine(legs),
        batches=batches,
        customer=customer,
        approvals=priced.approvals,
        gift_cards=tuple(gift_cards),
    )


@dataclass(frozen=True)
class SoldLineState:
    """A sold line as a return sees it: what was sold and how much has come back already."""

    line_no: int
    product_id: int
    quantity: int
    returned_quantity: int
    net: int
    tax: int
    gross: int
    cost: int
    tax_class: str


def returned_share(line: SoldLineState, quantity: int, restock: bool) -> ReturnedLine:
    """The part of a sold line that ``quantity`` more units take back.

    Shares telescope: what the first k units are worth is round(amount * k / sold), so returning a
    line in several goes refunds exactly the line's amount in the end, never a paisa more.
    """

    def upto(amount: int, units: int) -> int:
        return round_div(amount * units, line.quantity, Rounding.HALF_UP)

    before, after = line.returned_quantity, line.returned_quantity + quantity
    gross = upto(line.gross, after) - upto(line.gross, before)
    tax = upto(line.tax, after) - upto(line.tax, before)
    return ReturnedLine(
        sale_line_no=line.line_no,
        product_id=line.product_id,
        quantity=quantity,
        net=gross - tax,
        tax=tax,
        gross=gross,
        tax_class=line.tax_class,
        cost=upto(line.cost, after) - upto(line.cost, before),
        restock=restock,
    )


def return_event(
    *,
    terminal: str,
    number: int,
    sale_terminal: str,
    sale_number: int,
    reason: str,
    is_void: bool,
    lines: Sequence[ReturnedLine],
    refunds: Sequence[TenderLine],
    methods: Mapping[str, TenderMethod],
    gift_cards: Sequence[GiftCardMove] = (),
) -> SaleReturned:
    refund_total = sum(line.gross for line in lines)
    rounding = sum(r.amount for r in refunds) - refund_total
    legs = [Posting(SALES, sum(line.net for line in lines))]
    legs.extend(Posting(tax_account(line.tax_class), line.tax) for line in lines)
    legs.extend(Posting(methods[r.method].account_for(terminal), -r.amount) for r in refunds)
    legs.append(Posting(ROUNDING, rounding))
    restocked_cost = sum(line.cost for line in lines if line.restock)
    legs.extend([Posting(INVENTORY, restocked_cost), Posting(COGS, -restocked_cost)])
    return SaleReturned(
        terminal=terminal,
        number=number,
        sale_terminal=sale_terminal,
        sale_number=sale_number,
        reason=reason,
        is_void=is_void,
        lines=tuple(lines),
        refunds=tuple(refunds),
        refund_total=refund_total,
        rounding=rounding,
        posted=combine(legs),
        gift_cards=tuple(gift_cards),
    )
