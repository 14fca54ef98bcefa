"""`pos customer` from a shell, in real processes: a customer added, found, sold to with points earned,
shown, reported on, and forgotten; refusals exit non-zero with a sentence and change nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import TEA_BARCODE, assert_verifies


def pos(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True)


def head(store_path: Path) -> int:
    ledger = open_ledger(store_path, read_only=True)
    try:
        return ledger.head().seq
    finally:
        ledger.close()


def test_a_customer_from_add_to_forget_on_the_command_line(store: Session, store_path: Path) -> None:
    add_user(store, "cara", "1234", role="cashier")
    add_user(store, "mona", "345678", role="manager")
    store.close()
    added = pos(store_path, "customer", "add", "Ayesha Khan", "--phone", "0300 1234567", "--email",
                "ayesha@example.com", "--email-receipts", "--user", "cara")
    assert added.returncode == 0 and "Added customer #1, card 2800000000011." in added.stdout, added.stderr
    found = pos(store_path, "customer", "find", "0300", "--user", "cara")
    assert "Ayesha Khan" in found.stdout and "card 2800000000011" in found.stdout
    sold = pos(store_path, "sale", "--scan", TEA_BARCODE, "--pay", "cash:450", "--customer", "2800000000011",
               "--user", "cara")
    assert sold.returncode == 0, sold.stderr
    assert "0300****567" in sold.stdout and "Points earned: 450" in sold.stdout
    shown = pos(store_path, "customer", "show", "#1", "--user", "cara")
    assert "points   450 worth Rs 4.50" in shown.stdout and "T1-000001" in shown.stdout

    before = head(store_path)
    too_much = pos(store_path, "sale", "--scan", TEA_BARCODE, "--pay", "points:5", "--pay", "cash:445",
                   "--customer", "0300", "--user", "cara")
    assert too_much.returncode == 1 and "can spend 450 points (Rs 4.50); 500 were asked" in too_much.stderr
    unknown = pos(store_path, "sale", "--scan", TEA_BARCODE, "--pay", "cash:450", "--customer", "#9", "--user", "cara")
    assert unknown.returncode == 1 and "There is no customer #9" in unknown.stderr
    not_allowed = pos(store_path, "customer", "forget", "1", "--yes", "--user", "cara")
    assert not_allowed.returncode == 1 and "cara may not merge, export or forget customers" in not_allowed.stderr
    assert "Traceback" not in too_much.stderr + unknown.stderr + not_allowed.stderr
    assert head(store_path) == before

    liability = pos(store_path, "customer", "report", "liability", "--user", "mona")
    assert "Loyalty points  450     Rs 4.50            Rs 4.50" in liability.stdout, liability.stdout
    top = pos(store_path, "customer", "report", "top", "--user", "mona")
    assert "Ayesha Khan" in top.stdout and "Rs 450.00" in top.stdout
    exported = pos(store_path, "customer", "export", "--user", "mona")
    assert "1,2800000000011,Ayesha Khan,03001234567,ayesha@example.com,1,0,450,0,,0" in exported.stdout

    forgotten = pos(store_path, "customer", "forget", "1", "--yes", "--user", "mona")
    assert forgotten.returncode == 0, forgotten.stderr
    shown = pos(store_path, "customer", "show", "#1", "--user", "mona")
    assert "Customer #1 (forgotten)" in shown.stdout and "points   450" in shown.stdout
    assert pos(store_path, "customer", "expire-points").stdout.strip() == "No points to expire."
    assert_verifies(store_path)
