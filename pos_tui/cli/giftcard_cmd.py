"""`pos giftcard`: sell, reload and check gift cards; block a lost one; list what the cards hold."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from pos_tui.cli.common import (
    ApprovedByOption,
    ConfigOption,
    DbOption,
    UserOption,
    acting_session,
    command_group,
    reports_errors,
    session_from,
    with_approval,
)

giftcard_app = command_group(help="Gift cards: sell, reload, check a balance, block a lost card, list the liability.")

NumberArgument = Annotated[str, typer.Argument(help="The card's number (spaces allowed), as on the card.")]
PayOption = Annotated[list[str], typer.Option("--pay", help="METHOD:AMOUNT the customer pays with, e.g. cash:5000.")]


def _sell(db: DbOption, config: ConfigOption, user: UserOption, number: str | None, amount: str, pay: list[str],
          *, reload: bool) -> None:
    from pos_tui.cli.selling_cmd import parse_payment
    from pos_tui.domain.cart import Cart
    from pos_tui.services.giftcards import cards
    from pos_tui.services.selling import sales
    from pos_tui.services.selling.receipts import receipt_text

    with closing(acting_session(db, config, user)) as session:
        cart = cards.add_to_cart(session, Cart(), number, session.currency.parse(amount), reload=reload)
        done = sales.complete_sale(session, cart, [parse_payment(session, p) for p in pay])
        card = cards.balance(session, cart.gift_cards[0].number)
        typer.echo(receipt_text(session, done.reference), nl=False)
        typer.echo(f"Gift card {card.number} holds {session.money(card.balance)} (sale {done.reference}).")


@giftcard_app.command("sell")
@reports_errors
def sell(
    amount: Annotated[str, typer.Argument(help="What goes on the card, e.g. 5000 or 2,500.00.")],
    pay: PayOption,
    number: Annotated[str | None, typer.Option(
        "--number", help="A pre-printed card's number; without it the till makes one (printed as a barcode).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Sell a gift card: a sale of its amount that the shop owes (liabilities:gift-cards), untaxed."""
    _sell(db, config, user, number, amount, pay, reload=False)


@giftcard_app.command("reload")
@reports_errors
def reload(
    number: NumberArgument,
    amount: Annotated[str, typer.Argument(help="What is added to the card.")],
    pay: PayOption,
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
) -> None:
    """Put more money on a card the shop sold."""
    _sell(db, config, user, number, amount, pay, reload=True)


@giftcard_app.command("balance")
@reports_errors
def balance(number: NumberArgument, db: DbOption = None, config: ConfigOption = None,
            history: Annotated[bool, typer.Option("--history", help="Every move of the card too.")] = False) -> None:
    """What a card holds (the sum of its moves), and whether it is blocked."""
    from pos_tui.services.giftcards import cards

    with closing(session_from(db, config, read_only=True)) as session:
        card = cards.balance(session, number)
        state = "  BLOCKED" if card.blocked else ""
        typer.echo(f"Gift card {card.number}: {session.money(card.balance)}{state}")
        if history:
            for move in card.moves:
                typer.echo(f"  {move.at[:19]}  J{move.seq:<8} {move.kind:<9} {session.money(move.delta):>14}")


def _set_blocked(number: str, reason: str, db: DbOption, config: ConfigOption, user: UserOption,
                 approved_by: ApprovedByOption, *, blocked: bool) -> None:
    from pos_tui.domain.giftcards import masked
    from pos_tui.services.giftcards import cards

    change = cards.block if blocked else cards.unblock
    with closing(acting_session(db, config, user)) as session:
        with_approval(session, approved_by, reason, lambda approval: change(session, number, reason, approval))
        typer.echo(f"Gift card {masked(number.replace(' ', ''))} is {'blocked' if blocked else 'usable again'}.")


@giftcard_app.command("block")
@reports_errors
def block(
    number: NumberArgument,
    reason: Annotated[str, typer.Option(help="Why, e.g. 'reported lost by the owner'.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Block a lost card: nobody can pay with, reload or refund onto it until a manager unblocks it."""
    _set_blocked(number, reason, db, config, user, approved_by, blocked=True)


@giftcard_app.command("unblock")
@reports_errors
def unblock(
    number: NumberArgument,
    reason: Annotated[str, typer.Option(help="Why, e.g. 'owner showed the receipt'.")],
    db: DbOption = None,
    config: ConfigOption = None,
    user: UserOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    """Give a blocked card its use back (a manager's action; others need --approved-by a manager)."""
    _set_blocked(number, reason, db, config, user, approved_by, blocked=False)


@giftcard_app.command("list")
@reports_errors
def list_cards(db: DbOption = None, config: ConfigOption = None) -> None:
    """Every card that still holds money, and their total: the gift-card liability in the books."""
    from pos_tui.services.giftcards import cards

    with closing(session_from(db, config, read_only=True)) as session:
        held = cards.outstanding(session)
        for number, amount in held:
            typer.echo(f"{number}  {session.money(amount):>14}")
        typer.echo(f"{len(held)} cards hold {session.money(sum(a for _, a in held))} (liabilities:gift-cards).")
