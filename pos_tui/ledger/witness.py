"""Witnesses: (seq, hash) pairs recorded outside the journal's chain, that a rewritten journal cannot match.

The chain has no secret: whoever can write the store can change an entry and recompute every hash
after it, and the chain checked against itself still holds. A witness is a head the journal had
at some moment, kept where that rewrite does not reach or does not think to go:

- each Z report's head (``z_reports``, from the ``day.closed`` entry, and printed on the paper Z);
- each signed backup manifest in the backup destinations (``backup.witnesses`` reads them);
- the head printed on each receipt (``Journal 8812:3fa9c0d1e2f3``) or on a Z, typed back by hand.

``check_witnesses`` compares each with the live journal; the first that disagrees (lowest seq)
names where the forgery lies at the latest. A witness proves only the entries up to its seq, so a
forgery after the newest witness shows only once a newer one exists.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pos_tui.domain.errors import InvalidInput
from pos_tui.ledger.database import GENESIS_HASH

# The shortest hash prefix a typed witness may give: 8 hex digits (32 bits) make a chance match
# one in four billion. Receipts print 12.
MIN_PREFIX = 8
_TYPED = re.compile(r"^\s*(\d+)\s*[:\s]\s*([0-9a-fA-F]+)\s*$")


@dataclass(frozen=True)
class Witness:
    """A head recorded outside the chain: entry ``seq`` had a hash starting with ``hash_prefix``
    (the whole hash for a Z or a manifest). ``source`` says what recorded it, as a sentence's subject."""

    source: str
    seq: int
    hash_prefix: str


@dataclass(frozen=True)
class WitnessCheck:
    witness: Witness
    journal_hash: str | None  # the journal's hash at the witness's seq; None: the journal ends before it

    @property
    def agrees(self) -> bool:
        return self.journal_hash is not None and self.journal_hash.startswith(self.witness.hash_prefix)

    def sentence(self) -> str:
        w = self.witness
        certified = f"{w.source} certified seq {w.seq} as {w.hash_prefix[:16]}..."
        if self.agrees:
            return f"{certified}: the journal agrees."
        if self.journal_hash is None:
            return f"{certified}, but the journal ends before that seq (its tail was cut?)."
        return f"{certified}, the journal has {self.journal_hash[:16]}..."


@dataclass
class WitnessReport:
    checks: list[WitnessCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # witnesses found but not usable, with why
    notes: list[str] = field(default_factory=list)  # what else a reader should know (unchecked signatures)

    @property
    def disagreeing(self) -> list[WitnessCheck]:
        return [check for check in self.checks if not check.agrees]

    @property
    def first_disagreeing(self) -> WitnessCheck | None:
        found = self.disagreeing
        return min(found, key=lambda check: check.witness.seq) if found else None


def parse_typed_head(text: str) -> Witness:
    """A head typed by hand from a receipt or a printed Z: ``SEQ:HASH`` (a prefix of 8+ hex digits)."""
    match = _TYPED.match(text)
    if match is None or len(match[2]) < MIN_PREFIX:
        raise InvalidInput(
            f"{text!r} is not a journal head.",
            f"Type it as SEQ:HASH, with at least {MIN_PREFIX} hex digits of the hash, as printed on a receipt"
            " (Journal 8812:3fa9c0d1e2f3) or a Z report (Head 8812 3fa9c0...), or pass a backup manifest file.",
        )
    return Witness(f"the typed head {match[1]}:{match[2].lower()[:16]}", int(match[1]), match[2].lower())


def z_witnesses(conn: sqlite3.Connection, schema: str = "main") -> list[Witness]:
    """Each Z report's head as recorded with it (``z_reports``, the projection of its ``day.closed`` entry)."""
    return [
        Witness(f"the Z {number} of {day}", seq, head_hash)
        for number, day, seq, head_hash in conn.execute(
            f"SELECT z_number, day, to_seq, head_hash FROM {schema}.z_reports ORDER BY z_number"
        )
    ]


def check_witnesses(conn: sqlite3.Connection, witnesses: Iterable[Witness], schema: str = "main") -> list[WitnessCheck]:
    """Each witness against the journal on ``conn`` (in the caller's snapshot), in seq order."""
    checks = []
    lookup = f"SELECT hash FROM {schema}.journal WHERE seq = ?"
    for witness in sorted(witnesses, key=lambda w: (w.seq, w.source)):
        if witness.seq == 0:
            found: str | None = GENESIS_HASH
        else:
            row = conn.execute(lookup, (witness.seq,)).fetchone()
            found = None if row is None else str(row[0])
        checks.append(WitnessCheck(witness, found))
    return checks


def summary_lines(report: WitnessReport, *, limit: int | None = None) -> Sequence[str]:
    """What verify says about its witnesses: each one checked (the first ``limit`` when given), what was skipped."""
    if not report.checks:
        lines = ["0 witnesses: only internal consistency was checked."]
    else:
        lines = [f"{len(report.checks)} witness{'es' if len(report.checks) != 1 else ''} checked:"]
        shown = report.checks if limit is None else report.checks[:limit]
        lines += [f"  {check.sentence()}" for check in shown]
        if len(shown) < len(report.checks):
            lines.append(f"  ... and {len(report.checks) - len(shown)} more.")
    lines += [f"  not counted: {why}" for why in report.skipped]
    lines += [f"  note: {note}" for note in report.notes]
    return lines
