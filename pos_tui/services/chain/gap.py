"""`pos sync --pull-gap`: a restored till takes back what head office holds of it, before selling resumes.

A restore leaves head office holding sales the restored journal lacks (the gap, ``hq/ingest.epoch_gap``).
Pulling them back is safe only while nothing has been written since the restore: a sale rung after it
took the seq of one of head office's entries, and taking those back would count sales twice. So it
is allowed only on a file marked for a new epoch (``outbox.epoch_due``) whose journal still ends where
the restore left it (``chain_sync.restored_seq``, set by ``outbox.mark_new_epoch`` and moved by each
entry taken back). Otherwise it is refused and the gap is acknowledged at head office (`pos hq store
ack-gap`), as before.

Head office answers on the terminal's own gap subject (``hq/gap.py``) with the entries it holds of the
terminal's latest chain after this journal's head, in pages. Each is checked against this journal
(its seq, its ``prev_hash`` = the head's hash, its hash = the hash of its content, balanced postings)
and appended as it is (same seq, hash and time) with its projections, in one transaction of its own
that also moves ``restored_seq`` and the acknowledgement: an interrupted pull goes on where it
stopped. The first entry that does not check out is refused with its seq, and nothing after it is
applied. The new epoch then starts (`pos sync`) from head office's head: the gap is 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass, field, replace

from pos_tui.domain.errors import PosError
from pos_tui.ledger.chain_check import entry_problem
from pos_tui.ledger.database import Ledger
from pos_tui.ledger.entry import JournalEntry
from pos_tui.ledger.replay import apply_recorded
from pos_tui.services.chain import outbox
from pos_tui.services.chain.access import NatsAccess
from pos_tui.services.chain.wire import BadMessage, Channels, gap_request, parse_gap_page

PAGE_ENTRIES = 500
ACK_GAP = "have head office acknowledge the gap instead (`pos hq store ack-gap STORE TERMINAL`)"


class GapRefused(PosError):
    """The gap cannot be pulled into this journal (or an entry head office sent does not check out)."""


@dataclass(frozen=True)
class PullOptions:
    page: int = PAGE_ENTRIES
    timeout_s: float = 10.0  # float-ok: seconds
    access: NatsAccess = field(default_factory=NatsAccess)
    channels: Channels = field(default_factory=Channels)


@dataclass(frozen=True)
class PullResult:
    pulled: int
    first_seq: int
    last_seq: int
    head_seq: int
    epoch: int
    """The epoch the next `pos sync` starts (still due)."""


def refusal(ledger: Ledger, state: outbox.SyncState | None) -> str | None:
    """Why this journal may not take head office's gap back (None: it may)."""
    if state is None:
        return "this store has never synced: head office holds nothing of it to pull back."
    if not outbox.epoch_due(ledger, state):
        return ("this file is not waiting to start a new epoch (it was not marked as restored, or `pos sync`"
                " has started the new epoch since): the gap cannot come back; for a file copied back by hand"
                f" that has not sold since, run `pos sync --new-epoch --pull-gap`; otherwise {ACK_GAP}.")
    row = ledger.conn.execute("SELECT restored_seq FROM chain_sync").fetchone()
    restored = row[0] if row else None
    head = ledger.head().seq
    if restored is None:
        return ("this file was marked as restored before the till recorded where its journal ended, so it"
                f" cannot tell whether anything was sold since: {ACK_GAP}.")
    if head != restored:
        count = head - restored
        return (f"{count} entr{'y was' if count == 1 else 'ies were'} written to this journal since the restore"
                f" (seq {restored + 1}-{head}): taking head office's entries back would count sales twice;"
                f" run `pos sync` and {ACK_GAP}.")
    return None


def status_hint(ledger: Ledger) -> str:
    """What `pos sync --status` adds for a restored file that may still pull its gap back ("": nothing)."""
    state = outbox.sync_state(ledger)
    if state is None or refusal(ledger, state) is not None:
        return ""
    return (f"restored: before selling, `pos sync --pull-gap` takes back what head office holds of terminal"
            f" {state.terminal} after seq {ledger.head().seq}.")


def append_pulled(ledger: Ledger, entry: JournalEntry) -> None:
    """Append one of head office's entries exactly as recorded and apply it, in one transaction that
    also moves ``restored_seq`` and the acknowledgement; refused (nothing written) unless it follows
    this journal's head and its hash is its content's."""
    store = ledger.store_info().store_id
    try:
        with ledger.write() as conn:
            # Asked again inside the transaction: a till that sold (or a `pos sync` that started the epoch)
            # while the pull ran stops it here, before head office's entry could count twice.
            problem = refusal(ledger, outbox.sync_state(ledger))
            if problem is not None:
                raise GapRefused(problem)
            head = ledger.head()
            problem = entry_problem(entry, head.seq, head.hash)
            if problem is None and entry.store != store:
                problem = f"it belongs to store {entry.store}."
            if problem is not None:
                raise GapRefused(f"head office's entry at seq {entry.seq} does not check out against this journal:"
                                 f" {problem} Nothing from it on was taken back; sync stays as it was. Call"
                                 f" head office, or {ACK_GAP}.")
            apply_recorded(ledger, [entry])
            # An entry of a later epoch may be that epoch's `chain.epoch_started`: the due epoch stays above it.
            conn.execute("UPDATE chain_sync SET restored_seq = ?, acked_hash = CASE WHEN acked_seq < ? THEN ?"
                         " ELSE acked_hash END, acked_seq = max(acked_seq, ?), epoch = max(epoch, ?)",
                         (entry.seq, entry.seq, entry.hash, entry.seq, outbox.journal_epoch(ledger) + 1))
    except sqlite3.Error as error:
        raise GapRefused(f"head office's entry at seq {entry.seq} could not be applied to this store ({error});"
                         f" nothing from it on was taken back. {ACK_GAP[0].upper()}{ACK_GAP[1:]}.") from error
    ledger.forget_store_info()


def _unreachable(url: str, why: str) -> GapRefused:
    return GapRefused(f"head office at {url} did not answer ({why}): nothing was changed; try again when the"
                      " line is back and `pos hq serve` runs, before selling.")


async def pull_gap_back(ledger: Ledger, url: str, options: PullOptions = PullOptions()) -> PullResult:
    """Take back, page by page, the entries head office holds of this terminal's latest chain after
    this journal's head."""
    from nats.errors import Error as NatsError
    from nats.js.errors import Error as JetStreamError

    transport_errors = (NatsError, JetStreamError, asyncio.TimeoutError, OSError)
    state = outbox.sync_state(ledger)
    problem = refusal(ledger, state)
    if problem is not None:
        raise GapRefused(problem)
    assert state is not None
    channels = options.channels
    access = replace(options.access, inbox=channels.inbox(state.store, state.terminal))
    try:
        # A few tries, then a sentence (nats-py retries a refused connection for ever unless told a number).
        nc = await access.connect(url, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=2,
                                  reconnect_time_wait=0.5, name="pos sync --pull-gap")
    except transport_errors as error:
        raise _unreachable(url, str(error) or type(error).__name__) from None
    subject = channels.gap_subject(state.store, state.terminal)
    pulled: list[int] = []
    office_epoch = 0
    try:
        while True:
            head = ledger.head()
            try:
                reply = await nc.request(subject, gap_request(head.seq, options.page), timeout=options.timeout_s)
                page = parse_gap_page(reply.data)
            except BadMessage as error:
                raise GapRefused(f"head office's answer could not be read ({error}): nothing more was taken"
                                 " back.") from None
            except transport_errors as error:
                raise _unreachable(url, str(error) or type(error).__name__) from None
            if page.error:
                raise GapRefused(f"head office cannot answer: {page.error}.")
            office_epoch = page.epoch
            if not page.entries:
                _check_ends_together(ledger, page.seq, page.hash)
                break
            for entry in page.entries:
                append_pulled(ledger, entry)
                pulled.append(entry.seq)
    finally:
        with contextlib.suppress(*transport_errors):
            await nc.close()
    with ledger.write() as conn:
        # The due epoch is above every epoch head office holds, too.
        conn.execute("UPDATE chain_sync SET epoch = max(epoch, ?)", (office_epoch + 1,))
    after = outbox.sync_state(ledger)
    assert after is not None
    return PullResult(len(pulled), pulled[0] if pulled else 0, pulled[-1] if pulled else 0, ledger.head().seq,
                      after.epoch)


def _check_ends_together(ledger: Ledger, office_seq: int, office_hash: str) -> None:
    """Head office has nothing after this journal's head: its own head must be in this journal, the same."""
    if office_seq == 0:
        return
    row = ledger.conn.execute("SELECT hash FROM journal WHERE seq = ?", (office_seq,)).fetchone()
    if row is None or row[0] != office_hash:
        raise GapRefused(f"this journal and head office's chain part before seq {office_seq} (head office's"
                         f" head): there is nothing this journal can take back; {ACK_GAP}.")
