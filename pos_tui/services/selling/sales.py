"""Selling: completing a sale, returns and voids, and reading a sale back for its receipt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pos_tui.domain.cart import Cart, PricedCart, price_cart
from pos_tui.domain.errors import InvalidAmount, InvalidInput, NotFound, RuleViolation
from pos_tui.domain.events import ReturnedLine, TenderLine
from pos_tui.domain.giftcards import GIFT_CARD_TENDER
from pos_tui.domain.money import format_quantity, round_to_step
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.sale import SoldLineState, return_event, returned_share, sale_event
from pos_tui.domain.tender import Tender, settle
from pos_tui.services.cash.shifts import require_shift_for_sale
from pos_tui.services.customers import loyalty
from pos_tui.services.giftcards import cards
from pos_tui.services.staff import authz

if TYPE_CHECKING:
    from pos_tui.ledger.entry import JournalEntry
    from pos_tui.services.session import Session


@dataclass(frozen=True)
class CompletedSale:
    seq: int
    terminal: str
    number: int
    at: str
    hash: str
    priced: PricedCart
    tenders: tuple[Tender, ...]
    rounding: int
    change: int
    warnings: tuple[str, ...]
    customer_id: int | None = None

    @property
    def reference(self) -> str:
        return sale_reference(self.terminal, self.number)


def sale_reference(terminal: str, number: int) -> str:
    """How a sale is named on its receipt and when it comes back: "T1-000042"."""
    return f"{terminal}-{number:06d}"


def parse_sale_reference(text: str, default_terminal: str) -> tuple[str, int]:
    """"T1-000042", "T1-42" or just "42" (this terminal) -> (terminal, number)."""
    terminal, _, number = text.strip().rpartition("-")
    # At most 12 digits: a longer number is no sale of ours, and would not fit SQLite's 64-bit integer.
    if not (number.isascii() and number.isdigit()) or len(number.lstrip("0")) > 12 or int(number) <= 0:
        raise InvalidInput(f"{text!r} is not a sale number.", "Use the number on the receipt, e.g. T1-000042.")
    return (terminal or default_terminal), int(number)


def _stock_warnings(session: Session, priced: PricedCart) -> tuple[str, ...]:
    policy = session.settings.pricing.negative_stock
    if policy == "allow":
        return ()
    wanted: dict[int, int] = {}
    for p in priced.lines:
        if p.line.price_source == "open":
            continue  # an open item's department holds no stock of its own
        wanted[p.line.product_id] = wanted.get(p.line.product_id, 0) + p.line.quantity
    if not wanted:
        return ()
    warnings = []
    ids = list(wanted)
    held: dict[int, int] = {}
    for start in range(0, len(ids), 500):  # one read for a cart's products, not one per product
        chunk = ids[start:start + 500]
        held.update(session.ledger.conn.execute(
            f"SELECT product_id, on_hand FROM stock WHERE product_id IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall())
    for product_id, quantity in wanted.items():
        on_hand = held[product_id]
        if on_hand < quantity:
            name = next(p.line.name for p in priced.lines if p.line.product_id == product_id)
            message = f"{name}: selling {format_quantity(quantity)} with {format_quantity(on_hand)} in stock."
            if policy == "block":
                raise RuleViolation(message, "Nothing was sold; take the item off or receive stock first.")
            warnings.append(message)
    return tuple(warnings)


def complete_sale(
    session: Session, cart: Cart, tenders: Sequence[Tender], *, customer_id: int | None = None
) -> CompletedSale:
    """Price, settle and record a sale: ONE journal event in ONE transaction, or nothing at all. With a
    customer attached, the sale carries their id and the points it earned and spent (same event)."""
    if cart.is_empty:
        raise InvalidInput("The cart is empty.", "Scan an item first.")
    priced = price_cart(cart, session.tax_policy)
    settlement = settle(
        priced.due,
        tenders,
        session.tender_methods,
        cash_step=session.settings.pricing.cash_rounding_step,
        mode=session.settings.pricing.rounding,
        show=session.money,
    )
    with session.ledger.write() as conn:
        require_shift_for_sale(session)  # [cash] no_shift: "refuse" stops here; "auto-open" lets the sale start one
        warnings = _stock_warnings(session, priced)
        gift_cards = cards.sale_moves(session, cart, settlement.tenders)  # balances as of this transaction
        redemption = loyalty.check_redemption(session, customer_id, settlement.tenders)
        number = conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM sales WHERE terminal = ?", (session.terminal,)
        ).fetchone()[0]
        customer = loyalty.sale_customer_part(session, priced, redemption)
        event = sale_event(session.terminal, number, priced, settlement, session.tender_methods, gift_cards,
                           customer)
        entry = session.record(event)
    return CompletedSale(entry.seq, session.terminal, number, entry.at, entry.hash, priced, settlement.tenders,
                         settlement.rounding, settlement.change, warnings, redemption.customer_id)


# --- returns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedReturn:
    seq: int
    terminal: str
    number: int
    lines: tuple[ReturnedLine, ...]
    refunds: tuple[TenderLine, ...]
    refund_total: int

    @property
    def reference(self) -> str:
        return f"R{sale_reference(self.terminal, self.number)}"


def _sale_seq(session: Session, terminal: str, number: int) -> int:
    row = session.ledger.conn.execute(
        "SELECT seq FROM sales WHERE terminal = ? AND number = ?", (terminal, number)
    ).fetchone()
    if row is None:
        raise NotFound(f"There is no sale {sale_reference(terminal, number)}.", "Check the number on the receipt.")
    seq: int = row[0]
    return seq


def _sold_lines(session: Session, sale_seq: int) -> dict[int, SoldLineState]:
    rows = session.ledger.conn.execute(
        "SELECT line_no, product_id, quantity, returned_quantity, net, tax, gross, cost, tax_class"
        " FROM sale_lines WHERE sale_seq = ?",
        (sale_seq,),
    )
    return {row[0]: SoldLineState(*row) for row in rows}


def _refund(session: Session, method: str, amount: int) -> TenderLine:
    methods = session.tender_methods
    if method not in methods:
        raise InvalidInput(f"{method!r} is not a payment method here.", f"Use one of: {', '.join(methods)}.")
    if methods[method].is_cash:
        amount = round_to_step(amount, session.settings.pricing.cash_rounding_step, session.settings.pricing.rounding)
    return TenderLine(method, amount)


def _record_return(
    session: Session,
    *,
    sale: tuple[str, int],
    reason: str,
    is_void: bool,
    lines: Sequence[ReturnedLine],
    refunds: Sequence[TenderLine],
    approvals: tuple[Approval, ...],
    gift_card: str = "",
    plan: loyalty.ReturnPlan,
) -> CompletedReturn:
    conn = session.ledger.conn
    gift_cards = tuple(cards.refund_move(session, gift_card, r.amount) for r in refunds if r.method == GIFT_CARD_TENDER)
    if gift_card and not gift_cards:
        raise InvalidInput("A gift card was named but the refund does not go onto one.",
                           "Refund by gift-card, or leave the card out.")
    number = conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM returns WHERE terminal = ?", (session.terminal,)
    ).fetchone()[0]
    event = return_event(
        terminal=session.terminal, number=number, sale_terminal=sale[0], sale_number=sale[1], reason=reason,
        is_void=is_void, lines=lines, refunds=refunds, methods=session.tender_methods, gift_cards=gift_cards,
    )
    entry: JournalEntry = session.record(replace(event, approvals=approvals))
    loyalty.record_return(session, plan, entry.seq, event.refunds)
    return CompletedReturn(entry.seq, session.terminal, number, event.lines, event.refunds, event.refund_total)


def return_items(
    session: Session,
    sale_ref: str,
    items: Sequence[tuple[int, int]],
    *,
    reason: str,
    refund_method: str = "cash",
    restock: bool = True,
    approval: Approval | None = None,
    gift_card: str = "",
    customer_id: int | None = None,
) -> CompletedReturn:
    """Take back ``(line_no, quantity)`` of a sale; refunds the lines' share of what was paid
    (``gift_card``: the card a refund by gift card goes onto). The points the lines earned go back too;
    store credit goes to the sale's customer (or ``customer_id``)."""
    if not reason.strip():
        raise InvalidInput("A return needs a reason.", "Say why: damaged, wrong size, changed mind...")
    if not items:
        raise InvalidInput("Nothing to return.", "Choose the lines and quantities coming back.")
    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    approvals = authz.require(session, Action.RETURN_WITH_RECEIPT, approval)
    with session.ledger.write():
        sale_seq = _sale_seq(session, terminal, number)
        sold = _sold_lines(session, sale_seq)
        returned: dict[int, int] = {}
        lines = []
        shares = []
        for line_no, quantity in items:
            if line_no not in sold:
                raise NotFound(f"Sale {sale_reference(terminal, number)} has no line {line_no}.", "Check the receipt.")
            if quantity <= 0:
                raise InvalidAmount("The quantity returned must be more than zero.", "Type how many came back.")
            state = sold[line_no]
            already = state.returned_quantity + returned.get(line_no, 0)
            if already + quantity > state.quantity:
                left = state.quantity - already
                raise RuleViolation(
                    f"Line {line_no} sold {format_quantity(state.quantity)}; only {format_quantity(left)} can still"
                    " come back." if left else f"Line {line_no} has already been returned in full.",
                    "Nothing was returned.",
                )
            lines.append(returned_share(replace(state, returned_quantity=already), quantity, restock))
            shares.append((line_no, state.quantity, already, quantity))
            returned[line_no] = returned.get(line_no, 0) + quantity
        gross = sum(line.gross for line in lines)
        plan = loyalty.plan_return(session, sale_seq=sale_seq, shares=shares, refund_method=refund_method,
                                   refund_amount=gross, customer_id=customer_id)
        refund = _refund(session, refund_method, gross - plan.withheld)
        return _record_return(session, sale=(terminal, number), reason=reason.strip(), is_void=False, lines=lines,
                              refunds=plan.refunds(refund), approvals=approvals, plan=plan, gift_card=gift_card)


def return_without_receipt(
    session: Session,
    cart: Cart,
    *,
    reason: str,
    refund_method: str = "cash",
    restock: bool = True,
    approval: Approval | None = None,
    gift_card: str = "",
    customer_id: int | None = None,
) -> CompletedReturn:
    """Take back goods nobody has a receipt for, at today's price and cost: flagged by sale number 0."""
    if not reason.strip():
        raise InvalidInput("A return needs a reason.", "Say why: damaged, wrong size, changed mind...")
    if not cart.lines:
        raise InvalidInput("Nothing to return.", "Scan the items coming back.")
    approvals = authz.require(session, Action.RETURN_WITHOUT_RECEIPT, approval)
    priced = price_cart(cart, session.tax_policy)
    lines = [
        ReturnedLine(sale_line_no=0, product_id=p.line.product_id, quantity=p.line.quantity, net=p.net, tax=p.tax,
                     gross=p.gross, tax_class=p.line.tax_class, cost=p.cost, restock=restock)
        for p in priced.lines
    ]
    with session.ledger.write():
        gross = sum(line.gross for line in lines)
        plan = loyalty.plan_return(session, sale_seq=None, shares=(), refund_method=refund_method,
                                   refund_amount=gross, customer_id=customer_id)
        refund = _refund(session, refund_method, gross)
        return _record_return(session, sale=("", 0), reason=reason.strip(), is_void=False, lines=lines,
                              refunds=[refund], approvals=approvals, plan=plan, gift_card=gift_card)


def void_sale(session: Session, sale_ref: str, *, reason: str, approval: Approval | None = None) -> CompletedReturn:
    """Void a completed sale: a full return of what is left of it, refunded the way it was paid."""
    if not reason.strip():
        raise InvalidInput("A void needs a reason.", "Say why the sale is voided.")
    terminal, number = parse_sale_reference(sale_ref, session.terminal)
    approvals = authz.require(session, Action.VOID_SALE, approval)
    with session.ledger.write() as conn:
        sale_seq = _sale_seq(session, terminal, number)
        if cards.has_moves(session, sale_seq):
            raise RuleViolation(
                f"Sale {sale_reference(terminal, number)} sold, reloaded or was paid with a gift card; it cannot be"
                " voided whole.", "Return its goods instead (a refund can go onto a gift card).",
            )
        sold = _sold_lines(session, sale_seq)
        if any(state.returned_quantity for state in sold.values()):
            raise RuleViolation(
                f"Sale {sale_reference(terminal, number)} already has returns; it cannot be voided whole.",
                "Return the remaining lines instead.",
            )
        lines = [returned_share(state, state.quantity, True) for state in sold.values()]
        change, rounding = conn.execute("SELECT change, rounding FROM sales WHERE seq = ?", (sale_seq,)).fetchone()
        refunds = []
        for method, amount in conn.execute(
            "SELECT method, SUM(amount) FROM sale_tenders WHERE sale_seq = ? GROUP BY method ORDER BY MIN(n)",
            (sale_seq,),
        ):
            if session.tender_methods[method].is_cash:
                amount -= change
            if amount:
                refunds.append(TenderLine(method, amount))
        assert sum(r.amount for r in refunds) == sum(line.gross for line in lines) + rounding
        plan = loyalty.plan_void(session, sale_seq, refunds)
        return _record_return(session, sale=(terminal, number), reason=reason.strip(), is_void=True, lines=lines,
                              refunds=refunds, approvals=approvals, plan=plan)
