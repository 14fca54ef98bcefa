"""Who may do what on head office's NATS: each terminal's nkey and permissions, head office's own key,
and the nats-server `authorization` block that enforces them (`pos hq nats-config`).

A terminal may publish only its own event subject and the JetStream requests of its own reads: the
last head of its own head subject (a direct get named by subject) and a consumer on its store's copy
of head office's events (``Channels.store_office_stream``, holding the all-stores subject and its
store's only), its store's stock question (``Channels.stock_question``, answered on its inbox) and
its own gap question (`pos sync --pull-gap`). It may subscribe only to its own head subject and its
own reply inbox. Head office's user may do everything. nats-server reads the block at start and on
`nats-server --signal reload`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from pos_tui.domain.errors import InvalidInput
from pos_tui.services.chain.access import read_seed
from pos_tui.services.chain.wire import Channels


@dataclass(frozen=True)
class NewKey:
    seed: str
    """The private half (SU...): handed to the terminal once, never kept at head office."""
    public: str
    """The public half (U...): what head office keeps and nats-server checks signatures against."""


def new_user_key() -> NewKey:
    import nkeys

    seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER)
    return NewKey(seed.decode(), public_key(seed))


def public_key(seed: bytes) -> str:
    import nkeys

    public = nkeys.from_seed(bytearray(seed)).public_key
    return public.decode() if isinstance(public, bytes) else str(public)


def write_secret(path: Path, text: str) -> None:
    """``text`` into a new file readable by its owner only (refused when the file exists: a key is
    never overwritten by accident)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise InvalidInput(f"{path} exists already; move it away first (a key is never overwritten).") from error
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}.") from error
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(text + "\n")


def office_key(path: Path) -> str:
    """Head office's public key, from its seed file at ``path``, made (mode 0600) if there is none."""
    if not path.exists():
        write_secret(path, new_user_key().seed)
    return public_key(read_seed(path))


def terminal_permissions(channels: Channels, store: str, terminal: str) -> dict[str, list[str]]:
    office = channels.store_office_stream(store)
    return {
        "publish": [
            channels.event_subject(store, terminal),
            channels.gap_subject(store, terminal),
            f"$JS.API.DIRECT.GET.{channels.heads_stream}.{channels.head_subject(store, terminal)}",
            f"$JS.API.CONSUMER.CREATE.{office}",
            f"$JS.API.CONSUMER.CREATE.{office}.>",
            f"$JS.API.CONSUMER.MSG.NEXT.{office}.*",
            f"$JS.API.CONSUMER.INFO.{office}.*",
            channels.stock_question(store),
        ],
        "subscribe": [channels.head_subject(store, terminal), f"{channels.inbox(store, terminal)}.>"],
    }


def terminal_keys(conn: psycopg.Connection[Any]) -> list[tuple[str, str, str]]:
    """(store, terminal, public key) of every terminal with an nkey."""
    rows = conn.execute("SELECT store, terminal, nkey FROM hq_terminals WHERE nkey IS NOT NULL"
                        " ORDER BY store, terminal").fetchall()
    return [(str(store), str(terminal), str(nkey)) for store, terminal, nkey in rows]


def authorization_block(office_public_key: str, terminals: list[tuple[str, str, str]], channels: Channels) -> str:
    """nats-server's `authorization { users = [...] }`, head office's user first (allowed everything)."""
    users = [f'    {{ nkey: {json.dumps(office_public_key)}, permissions: {{ publish: ">", subscribe: ">" }} }}']
    for store, terminal, key in terminals:
        allowed = terminal_permissions(channels, store, terminal)
        users.append(f"    # {store} {terminal}\n"
                     f"    {{ nkey: {json.dumps(key)}, permissions: {{"
                     f" publish: {{ allow: {json.dumps(allowed['publish'])} }},"
                     f" subscribe: {{ allow: {json.dumps(allowed['subscribe'])} }} }} }}")
    return ("# Written by `pos hq nats-config`: head office's key and each terminal's. Do not edit;\n"
            "# run it again after `pos hq store add`, then `nats-server --signal reload`.\n"
            "authorization {\n  users = [\n" + "\n".join(users) + "\n  ]\n}\n")


def write_config(path: Path, text: str) -> None:
    """Replace ``path`` whole (a reload never reads half a file)."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}.") from error
