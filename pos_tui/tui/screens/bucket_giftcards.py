"""The bucket's gift cards: sell a new card or reload one as a line of the sale, or check a card's balance.

A mixin of `BucketScreen` (it uses the screen's cart, session, ``refresh_cart`` and ``say``). Paying
with a card is the tender dialog's gift-card method key; the card is asked for there.
"""

from __future__ import annotations

from collections.abc import Callable

from pos_tui.domain.giftcards import masked
from pos_tui.services.giftcards import cards
from pos_tui.tui.dialogs.form import Field, FormDialog

GIFT_CARD_CHOICES = ("sell", "reload", "balance")


class GiftCardsAtTheCounter:
    """Mixed into `BucketScreen`: uses its ``cart``, ``session``, ``refresh_cart`` and ``say``."""

    def action_gift_card(self) -> None:
        """Sell (an empty number makes a new card), reload, or check the balance of a card."""
        session = self.session  # type: ignore[attr-defined]

        def act(answer: dict[str, str]) -> Callable[[], None]:
            what, number = answer["what"], answer["number"].strip()
            if what == "balance":
                card = cards.balance(session, number)
                blocked = " It is BLOCKED." if card.blocked else ""
                text = f"Gift card {masked(card.number)} holds {session.money(card.balance)}.{blocked}"
                return lambda: self.say(text, "warning" if card.blocked else "info")  # type: ignore[attr-defined]
            amount = session.currency.parse(answer["amount"])
            cart = cards.add_to_cart(session, self.cart, number or None, amount,  # type: ignore[attr-defined]
                                     reload=what == "reload")
            return lambda: self._gift_card_added(cart)

        fields = [Field("what", "Gift card", "sell", choices=GIFT_CARD_CHOICES),
                  Field("number", "Card number (scan it; empty to sell a new card)"), Field("amount", "Amount")]
        self.app.push_screen(  # type: ignore[attr-defined]
            FormDialog("Gift card", fields, "The amount is not needed for a balance.", act=act))

    def _gift_card_added(self, cart: object) -> None:
        self.cart = cart
        self.refresh_cart()  # type: ignore[attr-defined]
        card = self.cart.gift_cards[-1]  # type: ignore[attr-defined]
        self.say(f"Gift card {masked(card.number)}: {self.session.money(card.amount)} "  # type: ignore[attr-defined]
                 f"{'on a new card' if card.kind == 'sold' else 'to add'}; it is paid with the sale.")
