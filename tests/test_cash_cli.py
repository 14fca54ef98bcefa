"""The till-less twins: `pos shift`, `pos cash` and `pos report x` from a shell, in real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import assert_verifies


def pos(store_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True, input=stdin)


def head(store_path: Path) -> int:
    ledger = open_ledger(store_path, read_only=True)
    try:
        return ledger.head().seq
    finally:
        ledger.close()


def test_a_shift_from_the_command_line_refuses_a_paid_out_beyond_the_drawer(store: Session, store_path: Path) -> None:
    add_user(store, "sana", "234567", role="supervisor")
    opened = pos(store_path, "shift", "open", "--user", "sana", "--count", "1000x2", "--count", "100x5")
    assert opened.returncode == 0, opened.stderr
    assert "Shift T1-S0001 open on T1 with a float of Rs 2,500.00" in opened.stdout

    before = head(store_path)
    for command in (("paid-out", "--category", "supplies", "--note", "shelves"), ("drop",)):
        refused = pos(store_path, "cash", command[0], "--user", "sana", "--amount", "3000", *command[1:])
        assert refused.returncode == 1, refused.stdout
        assert "The drawer should hold Rs 2,500.00; a" in refused.stderr and "Traceback" not in refused.stderr
    assert head(store_path) == before
    paid = pos(store_path, "cash", "paid-out", "--user", "sana", "--amount", "2000", "--category", "supplies",
               "--note", "shelves")
    assert paid.returncode == 0, paid.stderr
    assert "the drawer should now hold Rs 500.00" in paid.stdout

    status = pos(store_path, "shift", "status")
    assert "T1-S0001  T1" in status.stdout and "float Rs 2,500.00" in status.stdout
    closed = pos(store_path, "shift", "close", "--user", "sana", "--counted", "0", "--no-print")
    assert closed.returncode == 0, closed.stderr
    assert "Expected in drawer" in closed.stdout and "Short" in closed.stdout  # counted 0 of 500 expected
    assert_verifies(store_path)


def test_negative_or_non_numeric_counts_give_a_sentence_and_change_nothing(store: Session, store_path: Path) -> None:
    before = head(store_path)
    for count, sentence in (("1000x-2", "'-2' is not a number of pieces"), ("1000xtwo", "is not a number of pieces"),
                            ("1000", "is not a count"), ("30x1", "Rs 30.00 is not a note or coin")):
        done = pos(store_path, "shift", "open", "--user", "admin", "--count", count)
        assert done.returncode == 1 and sentence in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert pos(store_path, "shift", "open", "--user", "admin", "--float", "abc").returncode == 1
    assert head(store_path) == before


def test_an_x_report_from_the_shell_changes_nothing(store: Session, store_path: Path) -> None:
    before = head(store_path)
    done = pos(store_path, "report", "x")
    assert done.returncode == 0 and "X REPORT (next Z 1)" in done.stdout
    assert head(store_path) == before
