"""What the API writes, through the same services and permissions as the till, idempotently.

Each write runs inside one ``BEGIN IMMEDIATE`` transaction that first looks the request's
Idempotency-Key up (``api_requests``, a projection of the key the events carry) and, when the key
has written before, answers from that journal entry and changes nothing. Otherwise the till's own
service writes with an ``ApiRequest`` on the session, so the key goes into the event and the answer
is made from the entry it wrote. The answer is a function of the entry alone: the first answer and
every repeat are the same document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pos_tui.domain.cart import Cart
from pos_tui.domain.errors import InvalidInput, NotFound, PosError
from pos_tui.domain.events import ApiRequest, BarcodeSpec, ProductDetails
from pos_tui.domain.tender import Tender
from pos_tui.services.api.reads import JsonObject, item_json, sale_json
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.services.api.tokens import Token
    from pos_tui.services.session import Session


class IdempotencyConflict(PosError):
    """The key was used before for a different request: HTTP 422."""


@dataclass(frozen=True)
class WriteAnswer:
    body: JsonObject
    status: int
    replayed: bool  # True: a repeat of an earlier request, answered from its entry; nothing changed


def request_digest(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise InvalidInput("A write needs an Idempotency-Key header.",
                           "Send a unique key per order or change (your order id works), and the same key "
                           "when you send the same request again.")
    if len(key) > 255 or not key.isprintable():
        raise InvalidInput("The Idempotency-Key is longer than 255 characters or holds control characters.",
                           "Use a shorter key of printable characters.")
    return key.strip()


def api_settings(settings: Settings) -> Settings:
    """The settings the API sells with: the configured tender for orders taken elsewhere, added with
    its account (``[api] sale_account``) when the [[tenders]] do not have it."""
    from pos_tui.config import TenderSettings

    api = settings.api
    if any(t.code == api.sale_tender for t in settings.tenders):
        return settings
    tender = TenderSettings(code=api.sale_tender, label="Online", account=api.sale_account)
    return settings.model_copy(update={"tenders": [*settings.tenders, tender]})


def answer_for(session: Session, seq: int) -> tuple[JsonObject, int]:
    """The answer to the request that wrote journal entry ``seq``, and its HTTP status."""
    row = session.ledger.conn.execute(
        "SELECT seq, at, day, terminal, user, kind, payload FROM journal WHERE seq = ?", (seq,)
    ).fetchone()
    seq, at, _day, _terminal, _user, kind, payload_json = row
    if kind == "sale.completed":
        return sale_json(*row), 201
    payload = json.loads(payload_json)
    if kind == "stock.adjusted":
        keys = ("product_id", "quantity", "unit_cost", "cost", "reason")
        return {"seq": seq, "at": at, **{k: payload[k] for k in keys}}, 201
    # product.changed: the item as the request left it
    return {"seq": seq, "at": at, "product_id": payload["product_id"], **payload["details"]}, 200


def idempotent(
    session: Session, token: Token, key: str, digest: str, write: Callable[[Session], JsonObject | None]
) -> WriteAnswer:
    """Run ``write`` once per (token, key); a repeat gets the first answer. ``write`` returns an answer
    only when it wrote nothing (a PUT that changes nothing)."""
    from pos_tui.services.session import Session

    request = ApiRequest(token.token_id, key, digest)
    acting = Session(session.ledger, session.settings, token.acts_as, session.terminal, session.clock,
                     api_request=request)
    lookup = "SELECT digest, seq FROM api_requests WHERE token_id = ? AND idempotency_key = ?"
    with session.ledger.write() as conn:
        found = conn.execute(lookup, (token.token_id, key)).fetchone()
        if found is None:
            unchanged = write(acting)
            found = conn.execute(lookup, (token.token_id, key)).fetchone()
            if found is None:
                return WriteAnswer(unchanged or {}, 200, False)
            replayed = False
        else:
            replayed = True
            if found[0] != digest:
                raise IdempotencyConflict(
                    f"The Idempotency-Key {key!r} was used for another request (journal seq {found[1]}).",
                    "Use a new key for a new request; nothing was changed.")
        body, status = answer_for(session, found[1])
    return WriteAnswer(body, status, replayed)


# --- request bodies ---------------------------------------------------------------------------


def _object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.", "See /api/openapi.json.")
    return body


def _int(data: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = data.get(name, default)
    if value is None:
        raise InvalidInput(f"{name} is missing.", "See /api/openapi.json.")
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**53) < value < 2**53:
        raise InvalidInput(f"{name} must be a whole number (money in minor units, quantities in thousandths).",
                           "Send e.g. 2000 for two pieces.")
    return value


def _str(data: dict[str, Any], name: str, *, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or "\x00" in value:
        raise InvalidInput(f"{name} must be a string.", "See /api/openapi.json.")
    return value


def _only(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput(f"Unknown field {', '.join(unknown)}.", f"Use: {', '.join(sorted(allowed))}.")


def sale_write(body: object) -> Callable[[Session], JsonObject | None]:
    """POST /api/sales: ``{"lines": [{"code": SKU or barcode, "quantity": thousandths}]}``, paid in full
    by the API's tender. Prices are the catalogue's (a different price is a till's price override). An optional
    ``"customer"`` (their number, or their card number as a string) attaches a customer: the sale earns their points."""
    data = _object(body)
    _only(data, {"lines", "customer"})
    customer = data.get("customer")
    if customer is not None and (isinstance(customer, bool) or not isinstance(customer, int | str)):
        raise InvalidInput("customer must be the customer's number or their card number.",
                           'Send e.g. "customer": 12 or "customer": "2900000000127".')
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines or len(lines) > 500:
        raise InvalidInput("lines must be a list of 1 to 500 lines.", 'Send {"lines": [{"code": "TEA-200", '
                           '"quantity": 1000}]}.')
    wanted = []
    for line in lines:
        line = _object(line)
        _only(line, {"code", "quantity"})
        wanted.append((_str(line, "code"), _int(line, "quantity")))

    def write(session: Session) -> JsonObject | None:
        cart = Cart()
        for code, quantity in wanted:
            if quantity <= 0:
                raise InvalidInput(f"The quantity of {code} must be more than zero.", "Send thousandths: 1000 is one.")
            cart = cart.add(products.line_for(products.show_product(session, code), quantity))
        from pos_tui.domain.cart import price_cart

        total = price_cart(cart, session.tax_policy).total
        customer_id = None if customer is None else _customer_id(session, customer)
        sales.complete_sale(session, cart, [Tender(session.settings.api.sale_tender, total)], customer_id=customer_id)
        return None

    return write


def _customer_id(session: Session, customer: int | str) -> int:
    """A customer named by number or by card (never by name or phone: an order must not guess a person)."""
    from pos_tui.domain.loyalty import card_customer_id
    from pos_tui.services.customers.accounts import active_customer

    if isinstance(customer, str):
        card_id = card_customer_id(session.settings.loyalty.card_prefix, customer)
        if card_id is None:
            raise InvalidInput(f"{customer!r} is not a customer card of this shop.",
                               "Send the 13 digits under the card's barcode, or the customer's number.")
        customer = card_id
    if not 0 < customer < 2**31:
        raise NotFound(f"There is no customer #{customer}.", "Send the number `pos customer find` shows.")
    return active_customer(session, customer).customer_id


def adjustment_write(body: object) -> Callable[[Session], JsonObject | None]:
    """POST /api/inventory/adjustments: ``{"code", "quantity" (thousandths, negative for a loss), "reason"}``."""
    data = _object(body)
    _only(data, {"code", "quantity", "reason"})
    code, quantity, reason = _str(data, "code"), _int(data, "quantity"), _str(data, "reason")

    def write(session: Session) -> JsonObject | None:
        product = products.show_product(session, code)
        products.adjust_stock(session, product.product_id, quantity, reason)
        return None

    return write


_EDITABLE_TEXT = ("name", "category", "vendor", "unit", "tax_class", "group", "variant")
_EDITABLE_INT = ("price", "cost", "reorder_level")


def item_write(code: str, body: object) -> Callable[[Session], JsonObject | None]:
    """PUT /api/items/{sku}: any of the item's fields (price, cost, reorder level in minor units and
    thousandths; name, category, vendor, unit, tax class, group, variant); the others stay."""
    data = _object(body)
    _only(data, {*_EDITABLE_TEXT, *_EDITABLE_INT})
    if not data:
        raise InvalidInput("The body changes nothing.", f"Send any of: {', '.join((*_EDITABLE_INT, *_EDITABLE_TEXT))}.")
    changes: dict[str, object] = {name: _str(data, name) for name in _EDITABLE_TEXT if name in data}
    changes |= {name: _int(data, name) for name in _EDITABLE_INT if name in data}

    def write(session: Session) -> JsonObject | None:
        product = products.show_product(session, code)
        current = ProductDetails(
            product.sku, product.name, product.category, product.vendor, product.unit, product.price, product.cost,
            product.tax_class, product.reorder_level, product.group, product.variant,
            tuple(BarcodeSpec(c, m) for c, m in products.product_barcodes(session, product.product_id)),
        )
        fields = {**current.__dict__, **changes}
        wanted = ProductDetails(**fields)
        if wanted == current:  # nothing to journal: the item as it is
            return item_json(product, products.product_barcodes(session, product.product_id))
        products.change_product(session, product.product_id, wanted)
        return None

    return write
