"""Other stores' stock, asked of head office on demand: the warehouse's "Other stores" line and
`pos transfer stock`.

A store never reaches PostgreSQL: a terminal asks over NATS request/reply on its store's question
subject (``Channels.stock_question``, the only one its key may ask on) and reads the answer on its own
inbox; `pos hq serve` answers from head office's projections (``hq/answers.py``). The answer is what
head office holds, so each store comes with when head office last heard from it: "as of" is honest.
The question is short-lived (``[chain] ask_timeout_ms``, 1.5 s by default): no answer is a sentence, and
nothing of the till waits for it. nats-py is imported only when a question is asked.

The format of both messages is here, for both ends: a question ``{"skus": [...]}`` (1 to ``MAX_SKUS``),
an answer ``{"stores": [{store, name, synced_at}], "stock": [{sku, store, on_hand, in_transit}]}``
(quantities in thousandths; ``in_transit``: shipped to that store and not yet received) or
``{"error": sentence}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_tui.domain.errors import InvalidInput, PosError

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.services.session import Session

MAX_SKUS = 50
"""SKUs one question may name: a product's page asks one, a command a handful."""
MAX_SKU_LENGTH = 64


class NotInChain(PosError):
    """This store's config names no head office ([chain] url): there is no one to ask."""


class NoAnswer(PosError):
    """Head office did not answer (the line, its NATS, or `pos hq serve` not running), or refused the question."""


class BadQuestion(ValueError):
    """A question head office cannot answer, with the sentence it replies."""


@dataclass(frozen=True)
class StoreLevel:
    """One store's stock of one SKU as head office holds it."""

    store: str
    name: str
    on_hand: int  # thousandths of the unit
    in_transit: int  # thousandths shipped to this store and not yet received
    synced_at: str | None  # when head office last heard from the store (UTC, ISO), None: never


@dataclass(frozen=True)
class SkuElsewhere:
    sku: str
    stores: tuple[StoreLevel, ...]
    """The other stores that have the SKU (this store left out), in head office's order."""
    in_transit: int
    """Shipped between any two stores of the chain and not yet received (to this one included)."""
    to_here: int
    """Of ``in_transit``, what is on its way to this store."""


@dataclass(frozen=True)
class Elsewhere:
    skus: tuple[SkuElsewhere, ...]

    @property
    def as_of(self) -> str | None:
        """The oldest of the shown stores' last syncs (UTC, ISO): every figure is at least that recent."""
        seen = [level.synced_at for sku in self.skus for level in sku.stores if level.synced_at]
        return min(seen) if seen else None

    def of(self, sku: str) -> SkuElsewhere | None:
        return next((found for found in self.skus if found.sku == sku), None)


# --- the two messages (both ends) -------------------------------------------------------------


def question_body(skus: list[str]) -> bytes:
    return json.dumps({"skus": skus}).encode()


def parse_question(body: bytes) -> list[str]:
    """The SKUs a store asks about, or ``BadQuestion`` with the sentence to reply."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadQuestion('a stock question is JSON: {"skus": ["SKU", ...]}.') from None
    skus = raw.get("skus") if isinstance(raw, dict) else None
    if not isinstance(skus, list) or not skus or not all(isinstance(s, str) and s.strip() for s in skus):
        raise BadQuestion('a stock question names 1 or more SKUs: {"skus": ["SKU", ...]}.')
    if len(skus) > MAX_SKUS:
        raise BadQuestion(f"a stock question names at most {MAX_SKUS} SKUs; it named {len(skus)}.")
    if any(len(s) > MAX_SKU_LENGTH for s in skus):
        raise BadQuestion(f"a SKU is at most {MAX_SKU_LENGTH} characters.")
    return list(dict.fromkeys(s.strip() for s in skus))


def answer_body(stores: list[dict[str, Any]], stock: list[dict[str, Any]]) -> bytes:
    return json.dumps({"stores": stores, "stock": stock}, sort_keys=True).encode()


def error_body(sentence: str) -> bytes:
    return json.dumps({"error": sentence}).encode()


def parse_answer(body: bytes, skus: list[str], own_store: str) -> Elsewhere:
    """Head office's answer for ``skus`` as the till shows it: the other stores, and in-transit."""
    try:
        raw = json.loads(body)
        if "error" in raw:
            raise NoAnswer(f"head office says: {raw['error']}")
        names = {str(s["store"]): str(s["name"]) for s in raw["stores"]}
        synced = {str(s["store"]): None if s["synced_at"] is None else str(s["synced_at"]) for s in raw["stores"]}
        for at in synced.values():
            if at is not None:
                datetime.fromisoformat(at)  # the screens read it as a time: a form they cannot read is refused here
        rows = [(str(r["sku"]), str(r["store"]), int(r["on_hand"]), int(r["in_transit"])) for r in raw["stock"]]
    except (ValueError, KeyError, TypeError) as error:
        raise NoAnswer(f"head office's answer is not one this till reads ({error}); update the till.") from None
    found = []
    for sku in skus:
        mine = [(store, on_hand, in_transit) for of, store, on_hand, in_transit in rows if of == sku]
        levels = tuple(StoreLevel(store, names.get(store) or store, on_hand, in_transit, synced.get(store))
                       for store, on_hand, in_transit in mine if store != own_store)
        found.append(SkuElsewhere(sku, levels, sum(row[2] for row in mine),
                                  sum(row[2] for row in mine if row[0] == own_store)))
    return Elsewhere(tuple(found))


# --- asking (the till's side) -------------------------------------------------------------------


def in_chain(settings: Settings) -> bool:
    """Whether this store's config names a head office to ask."""
    return bool(settings.chain.url)


def stock_elsewhere(session: Session, skus: list[str], url: str | None = None,
                    namespace: str | None = None) -> Elsewhere:
    """Ask head office what the other stores hold of ``skus``; ``NotInChain``, ``NoAnswer`` or a refusal
    (``NatsRefused``: this terminal's key or the CA) with a sentence when it cannot be known now."""
    from pos_tui.services.chain import outbox
    from pos_tui.services.chain.access import NatsAccess
    from pos_tui.services.chain.wire import Channels

    wanted = list(dict.fromkeys(s.strip() for s in skus if s.strip()))
    if not wanted:
        raise InvalidInput("name a SKU, e.g. TEA-200.")
    if len(wanted) > MAX_SKUS:
        raise InvalidInput(f"ask about at most {MAX_SKUS} SKUs at once.")
    settings = session.settings
    chain = settings.chain
    url = url or chain.url
    if not url:
        raise NotInChain("this store is not in a chain: set [chain] url in pos.toml to head office's NATS server"
                         " (as `pos sync` uses it).")
    channels = Channels(namespace or chain.namespace)
    store = session.ledger.store_info().store_id
    state = outbox.sync_state(session.ledger)
    terminal = state.terminal if state is not None else session.terminal  # the id this file syncs as
    access = NatsAccess(*chain.key_and_ca(settings.source), inbox=channels.inbox(store, terminal))
    timeout_s = chain.ask_timeout_ms / 1000  # float-ok: seconds
    body = asyncio.run(_ask(url, access, channels.stock_question(store), question_body(wanted), timeout_s,
                            _hint(wanted)))
    return parse_answer(body, wanted, store)


def _hint(skus: list[str]) -> str:
    return f"ask head office (`pos hq stock {skus[0]}`)"


async def _ask(url: str, access: Any, subject: str, body: bytes, timeout_s: float, hint: str) -> bytes:  # float-ok
    from nats.errors import NoRespondersError

    nc: Any = None
    try:
        async with asyncio.timeout(timeout_s):
            nc = await access.connect(url, connect_timeout=timeout_s, allow_reconnect=False,
                                      max_reconnect_attempts=0, name="pos till: stock elsewhere")
            reply = await nc.request(subject, body, timeout=timeout_s)
        return bytes(reply.data)
    except PosError:  # a refusal (this terminal's key, the CA) or a credentials file to fix: its own sentence
        raise
    except NoRespondersError:
        raise NoAnswer(f"head office's NATS at {url} is up but nothing answers stock questions (is `pos hq serve`"
                       f" running?); {hint}.") from None
    except Exception as error:
        said = str(nc.last_error) if nc is not None and nc.last_error is not None else ""
        if "permissions violation" in said:
            raise NoAnswer(f"head office's NATS does not let this terminal ask about stock ({said}); head office"
                           " runs `pos hq nats-config` again and reloads nats-server.") from None
        why = f"no answer in {timeout_s:.1f} s" if isinstance(error, TimeoutError) else (
            str(error) or type(error).__name__)
        raise NoAnswer(f"head office not reachable at {url} ({why}); {hint}.") from None
    finally:
        if nc is not None:
            with contextlib.suppress(Exception):  # closing a line that is gone: nothing left to do
                await nc.close()
