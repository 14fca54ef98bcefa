"""`pos --read-only` makes every command read-only, whether the option stands before the command or
after it: a command that would write says so, exits non-zero, and the journal does not move."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.staff.users import add_user

from .conftest import TEA_BARCODE, assert_verifies, make_store

# Each would succeed on the store below without --read-only (the last test shows it for some).
WRITING = {
    "sale": ["sale", "--scan", TEA_BARCODE, "--pay", "cash:5000", "--user", "sana", "--printer", "none"],
    "void": ["void", "--sale", "T1-000001", "--reason", "rang up twice", "--user", "admin"],
    "user add": ["user", "add", "x", "--role", "cashier", "--pin", "4321", "--user", "admin"],
    "shift open": ["shift", "open", "--user", "sana", "--float", "5000"],
    "cash paid-in": ["cash", "paid-in", "--user", "admin", "--amount", "100", "--category", "misc"],
    "report z": ["report", "z", "--user", "admin"],
    "staff clock-in": ["staff", "clock-in", "admin", "--pin", "456789"],
    "db migrate": ["db", "migrate"],
    "demo": ["demo", "--skus", "10", "--days", "1"],
    "product add": ["product", "add", "ROLL", "--name", "Roll", "--price", "40", "--tax-class", "exempt",
                    "--user", "admin"],
    "po create": ["po", "create", "--vendor", "Tapal", "--line", "TEA-200:12", "--user", "admin"],
    "stocktake start": ["stocktake", "start", "--user", "admin"],
}


def _pos(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False)


def _head(path: Path) -> tuple[int, str]:
    ledger = open_ledger(path, read_only=True)
    try:
        head = ledger.head()
        return head.seq, head.hash
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("read-only-cli") / "store.db"
    session = make_store(path)
    add_user(session, "sana", "234567", role="supervisor")
    from pos_tui.domain.cart import Cart
    from pos_tui.domain.tender import Tender

    sales.complete_sale(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)), [Tender("cash", 50_000)])
    session.close()
    return path


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("command", sorted(WRITING))
def test_a_writing_command_under_read_only_refuses_and_the_journal_does_not_move(
    shop: Path, command: str, where: str
) -> None:
    before = _head(shop)
    words = WRITING[command]
    db = ["--db", str(shop.parent / "new.db")] if command == "demo" else ["--db", str(shop)]
    argv = [*db, "--read-only", *words] if where == "before" else [*words, "--read-only", *db]
    done = _pos(*argv)
    assert done.returncode != 0, done.stdout
    assert "read-only" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert _head(shop) == before
    assert not (shop.parent / "new.db").exists()


def test_the_same_commands_without_read_only_write(shop: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store.db"
    copy.write_bytes(shop.read_bytes())
    seq, _ = _head(copy)
    for command in ("user add", "cash paid-in", "staff clock-in"):
        done = _pos("--db", str(copy), *WRITING[command])
        assert done.returncode == 0, (command, done.stderr)
    assert _head(copy)[0] == seq + 3
    assert_verifies(copy)
