"""Someone who can write the store's file forges it so that the journal still checks against itself;
`pos db verify` catches each forgery with a witness recorded outside the journal (a Z's head, a
signed backup manifest, a head printed on a receipt or a Z), or by time running backwards.

The forgeries are built in ``tests/forgeries.py`` as an attacker would, with the product's own
append and replay. Each test first shows the forged store passes the journal's own checks (no
witness), so what catches it is the witness.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pos_tui.cli.db_cmd import db_app
from pos_tui.config import load_settings
from pos_tui.ledger.database import open_ledger
from pos_tui.ledger.verify import verify_ledger
from pos_tui.services.cash import day_reports
from pos_tui.services.reports.printed import day_report_document, report_text
from pos_tui.services.selling.receipts import receipt_text
from tests import forgeries
from tests.backup.till_setup import Till, set_up_till, write_config
from tests.conftest import TEA_BARCODE


@pytest.fixture
def till(tmp_path: Path) -> Till:
    """A stocked store with keys and two backup destinations: three sales, a Z (which takes a
    snapshot: a signed manifest), three more sales."""
    till = set_up_till(tmp_path / "till")
    till.sell_teas(3)
    session = till.session()
    try:
        closed = day_reports.z_report(session, force=True)
    finally:
        session.close()
    assert closed.snapshot.startswith("Backup snapshot written"), closed.snapshot
    till.sell_teas(3)
    return till


def verify(till: Till, *witnesses: str, config: Path | None = None) -> Result:
    args = ["verify", "--config", str(config or till.config), "--processes", "0"]
    for witness in witnesses:
        args += ["--witness", witness]
    return CliRunner().invoke(db_app, args)


def without_destinations(till: Till) -> Path:
    """The till's config with no backup destinations: only the journal's own checks and its Z heads."""
    bare = till.root / "bare.toml"
    write_config(bare, till.db, till.keys, [])
    return bare


def internal_only(path: Path) -> list[str]:
    """What verify finds with no witness but the store's own Z reports."""
    ledger = open_ledger(path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    return [str(problem) for problem in report.problems]


def first_sale_seq_after_z(till: Till) -> int:
    ledger = open_ledger(till.db, read_only=True)
    try:
        z_seq = ledger.conn.execute("SELECT seq FROM z_reports").fetchone()[0]
        seq: int = ledger.conn.execute("SELECT MIN(seq) FROM sales WHERE seq > ?", (z_seq,)).fetchone()[0]
        return seq
    finally:
        ledger.close()


def first_sale_seq(till: Till) -> int:
    ledger = open_ledger(till.db, read_only=True)
    try:
        seq: int = ledger.conn.execute("SELECT MIN(seq) FROM sales").fetchone()[0]
        return seq
    finally:
        ledger.close()


def printed_journal_head(till: Till, sale_ref: str) -> str:
    """The head printed at the foot of a receipt, as someone would type it from the paper."""
    session = till.session()
    try:
        text = receipt_text(session, sale_ref)
    finally:
        session.close()
    line = next(line for line in text.splitlines() if line.strip().startswith("Journal "))
    return line.strip().removeprefix("Journal ")


def printed_z_head(till: Till) -> str:
    """The head printed at the foot of the Z, both lines, as someone would type it from the paper."""
    session = till.session()
    try:
        text = report_text(day_report_document(session, day_reports.recorded_z(session)))
    finally:
        session.close()
    lines = [line.strip() for line in text.splitlines()]
    index = next(i for i, line in enumerate(lines) if line.startswith("Head "))
    return lines[index].removeprefix("Head ") + lines[index + 1]


def test_an_honest_store_agrees_with_every_witness_and_names_each(till: Till) -> None:
    till.run("segment")
    result = verify(till)
    assert result.exit_code == 0, result.output
    assert "the Z 1 of" in result.output and ": the journal agrees." in result.output
    # The Z's snapshot and the segment, each written to both destinations: one witness per manifest.
    assert result.output.count("the backup manifest pos-") == 2
    assert result.output.count("(2 copies)") == 2
    assert "OK:" in result.output


def test_a_store_with_no_witness_says_only_internal_consistency_was_checked(store_path: Path) -> None:
    from tests.conftest import make_store

    make_store(store_path).close()
    result = CliRunner().invoke(db_app, ["verify", "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "0 witnesses: only internal consistency was checked." in result.output


def test_a_forged_sale_appended_onto_an_earlier_copy_is_caught_by_the_receipt_it_displaced(till: Till) -> None:
    copy = forgeries.copy_store(till.db, till.root / "kept.db")
    till.sell_teas(2)  # real sales, their receipts printed
    receipt_head = printed_journal_head(till, "T1-000007")
    forged_seq = forgeries.append_forged_sale(till.db, copy, load_settings(till.config), TEA_BARCODE)
    assert internal_only(till.db) == []

    result = verify(till, receipt_head, config=without_destinations(till))

    assert result.exit_code == 1
    seq, prefix = receipt_head.split(":")
    assert int(seq) == forged_seq
    assert f"FAIL: the typed head {receipt_head} certified seq {seq} as {prefix}..., the journal has" in result.output


def test_a_cut_tail_rebuilt_is_caught_by_the_backup_manifest_made_after_it(till: Till) -> None:
    assert "Segment written" in till.run("segment").output
    head = open_ledger(till.db, read_only=True)
    try:
        head_seq = head.head().seq
    finally:
        head.close()
    forgeries.cut_tail(till.db, head_seq - 2)
    assert internal_only(till.db) == []

    result = verify(till)

    assert result.exit_code == 1
    assert f"certified seq {head_seq} as" in result.output
    assert "but the journal ends before that seq (its tail was cut?)" in result.output
    assert "FAIL: the backup manifest pos-" in result.output


def rename_first_line(payload: dict[str, object]) -> None:
    lines = payload["lines"]
    assert isinstance(lines, list)
    lines[0]["name"] = "Forged Tea"


def test_a_past_entry_changed_and_rehashed_is_caught_by_the_z_it_left_behind(till: Till) -> None:
    forgeries.change_past_entry(till.db, first_sale_seq(till), rename_first_line)

    result = verify(till, config=without_destinations(till))

    assert result.exit_code == 1
    assert "FAIL: the Z 1 of" in result.output and ", the journal has " in result.output
    assert any("the Z 1 of" in problem for problem in internal_only(till.db))  # the store's own Z is enough


def test_a_past_entry_changed_with_the_z_repointed_is_caught_by_the_signed_manifest(till: Till) -> None:
    forgeries.change_past_entry(till.db, first_sale_seq(till), rename_first_line, repoint_z=True)
    assert internal_only(till.db) == []  # the store's own Z now agrees: only a witness outside can tell

    result = verify(till)

    assert result.exit_code == 1
    assert "FAIL: the backup manifest pos-" in result.output and ", the journal has " in result.output
    assert "the Z 1 of" in result.output and "agrees" in result.output


def test_a_past_entry_changed_with_the_z_repointed_is_caught_by_the_printed_z_typed_back(till: Till) -> None:
    printed = printed_z_head(till)
    forgeries.change_past_entry(till.db, first_sale_seq(till), rename_first_line, repoint_z=True)

    result = verify(till, printed, config=without_destinations(till))

    assert result.exit_code == 1
    assert f"FAIL: the typed head {printed[:printed.index(':') + 17]}" in result.output


def test_a_manifest_file_given_by_hand_is_a_witness(till: Till, tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    shutil.copytree(till.local, kept)  # the admin's copy of the destination, off the till
    forgeries.change_past_entry(till.db, first_sale_seq(till), rename_first_line, repoint_z=True)
    manifest = next(kept.glob("pos-*.manifest.json"))

    result = verify(till, str(manifest), config=without_destinations(till))

    assert result.exit_code == 1
    assert f"FAIL: the backup manifest {manifest.name} certified seq" in result.output


def test_an_entry_back_dated_into_a_closed_day_fails_whatever_the_tolerance(till: Till) -> None:
    seq = first_sale_seq_after_z(till)
    forgeries.back_date_entry(till.db, seq)

    result = verify(till, config=without_destinations(till))

    assert result.exit_code == 1
    assert f"FAIL: seq {seq}: its time 2020-01-15T10:00:00.000000Z is before the Z it follows" in result.output


def test_an_entry_back_dated_before_the_z_fails_on_its_terminal_clock(till: Till) -> None:
    seq = first_sale_seq(till)
    forgeries.back_date_entry(till.db, seq)

    problems = internal_only(till.db)

    assert any(p.startswith(f"seq {seq}: its time 2020-01-15T10:00:00.000000Z is ") and "terminal T1" in p
               for p in problems), problems


def test_a_manifest_whose_signature_does_not_verify_is_named_and_not_counted(till: Till) -> None:
    """Only a witness that disagrees needs proving: a planted manifest cannot fail an honest store."""
    manifest = next(till.local.glob("pos-*-snapshot-*.manifest.json"))
    document = json.loads(manifest.read_text())
    document["manifest"]["head_hash"] = "f" * 64
    manifest.write_text(json.dumps(document))

    result = verify(till)

    assert result.exit_code == 0, result.output
    assert f"not counted: {manifest}: disagrees with the journal, but its signature does not verify" in result.output
