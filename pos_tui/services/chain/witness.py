"""Head office's verified head as a witness for `pos db verify`, and the head `pos sync` recorded.

Head office holds every entry it acknowledged, in PostgreSQL, out of the till's reach: its head for
this terminal (seq, hash), read over NATS from the heads stream as `pos sync` reads it, is a head the
journal had that a rewrite of the till's file cannot change. It vouches for this epoch's entries
only: a head of another epoch (before a restore) is not compared.

The head `pos sync` last recorded (``chain_sync``'s ``acked_seq``/``acked_hash``) is a witness too,
but a weak one: it lives in the same file, so it catches only a forgery made without editing it.

Asking head office is short and never fails verify by itself: a line that is down, a chain that is
not configured or ``--offline`` leave one note saying head office's head was not checked and why.
nats is imported only when head office is asked (the ledger layer never imports it).
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from pos_tui.config import ChainSettings
from pos_tui.domain.errors import PosError
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.witness import Witness
from pos_tui.services.chain import outbox
from pos_tui.services.chain.access import NatsAccess
from pos_tui.services.chain.wire import Channels, Head, parse_head

DEFAULT_URL = "nats://127.0.0.1:4222"
ASK_TIMEOUT_S = 3.0  # float-ok: seconds; verify waits no longer for head office
NOT_CHECKED = "head office's head was not checked"


@dataclass(frozen=True)
class HeadOfficeLine:
    """Where and how to ask head office: its NATS server, the chain's namespace, this terminal's key."""

    url: str = DEFAULT_URL
    channels: Channels = field(default_factory=Channels)
    access: NatsAccess = field(default_factory=NatsAccess)
    timeout_s: float = ASK_TIMEOUT_S  # float-ok: seconds


@dataclass
class ChainWitnesses:
    witnesses: list[Witness] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def line_from_settings(chain: ChainSettings, config_file: Path | None, url: str | None, namespace: str | None
                       ) -> HeadOfficeLine:
    """The line `pos sync` would use: ``url``/``namespace`` given (an option, the environment), else the
    config's ``[chain]``, else the defaults; the key and the CA from ``[chain]`` (relative: beside the config)."""
    return HeadOfficeLine(url or chain.url or DEFAULT_URL, Channels(namespace or chain.namespace),
                          NatsAccess(*chain.key_and_ca(config_file)))


def in_a_chain(ledger: Ledger, chain: ChainSettings, url_given: bool) -> bool:
    """This store syncs to a head office: it has synced (``chain_sync``), or the config or an option names one.
    The config counts alone, so a forger who replaced the file (and its ``chain_sync`` row) is still asked about."""
    return url_given or chain.url is not None or chain.credentials is not None or _sync_state(ledger) is not None


def chain_witnesses(ledger: Ledger, line: HeadOfficeLine | None, terminal: str, not_asked_because: str = ""
                    ) -> ChainWitnesses:
    """The chain's witnesses for verify: the head `pos sync` recorded, and head office's head asked on
    ``line`` (None: not asked, because ``not_asked_because``). ``terminal``: the id this journal syncs
    as when ``chain_sync`` does not say (a file that never synced, or whose row is gone)."""
    found = ChainWitnesses()
    state = _sync_state(ledger)
    if state is not None and state.acked_seq > 0:
        found.witnesses.append(Witness("the head `pos sync` recorded (chain_sync, in this file)",
                                       state.acked_seq, state.acked_hash))
    if line is None:
        found.notes.append(f"{NOT_CHECKED}: {not_asked_because}.")
        return found
    store = ledger.store_info().store_id
    terminal = state.terminal if state is not None else terminal
    try:
        head = asyncio.run(_read_head(line, store, terminal))
    except (PosError, OSError, TimeoutError) as error:
        found.notes.append(f"{NOT_CHECKED}: {_why(line, error)}; the journal's own checks and the other"
                           " witnesses stand.")
        return found
    if head is None or head.seq == 0:
        found.notes.append(f"{NOT_CHECKED}: head office holds nothing yet for terminal {terminal} of this store.")
        return found
    epoch = outbox.journal_epoch(ledger)
    if head.epoch != epoch:
        found.notes.append(f"{NOT_CHECKED}: its head for terminal {terminal} is of epoch {head.epoch} and this"
                           f" journal is in epoch {epoch}; a head vouches only for its own epoch's entries.")
        return found
    found.witnesses.append(Witness(f"head office's head for terminal {terminal} (epoch {head.epoch})",
                                   head.seq, head.hash))
    return found


async def _read_head(line: HeadOfficeLine, store: str, terminal: str) -> Head | None:
    """Head office's last published head for this terminal (None: it holds none), within the line's timeout."""
    from nats.errors import Error as NatsError
    from nats.js.errors import NotFoundError

    access = replace(line.access, inbox=line.channels.inbox(store, terminal))

    async def ask() -> Head | None:
        nc = await access.connect(line.url, connect_timeout=line.timeout_s, allow_reconnect=False,
                                  max_reconnect_attempts=0, name="pos db verify")
        try:
            last = await nc.jetstream().get_last_msg(line.channels.heads_stream,
                                                     line.channels.head_subject(store, terminal), direct=True)
        except NotFoundError:
            return None
        finally:
            await nc.close()
        try:
            return parse_head(last.data) if last.data else None
        except (ValueError, KeyError, TypeError) as error:
            raise OSError(f"head office's head message is not one ({error})") from error

    try:
        return await asyncio.wait_for(ask(), line.timeout_s)
    except NatsError as error:
        raise OSError(str(error) or type(error).__name__) from error


def _why(line: HeadOfficeLine, error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"{line.url} did not answer within {line.timeout_s:g} s (offline?)"
    if isinstance(error, PosError):
        return str(error).rstrip(".")
    return f"{line.url} could not be asked ({error})"


def _sync_state(ledger: Ledger) -> outbox.SyncState | None:
    try:
        return outbox.sync_state(ledger)
    except sqlite3.OperationalError:  # a store whose chain_sync table is gone: verify names the missing tables
        return None

