"""The stock room's and the API's commands act as a named user like every other command: `--user` or the
config's `staff.cli_user`, never a built-in default; a user who may not is refused in a sentence; a
supervisor's (or manager's) approval comes with `--approved-by NAME` and a PIN from standard input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pos_tui.cli.main import app
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import TEA, TEA_BARCODE, assert_verifies

# A write of each command group this file covers, each the first word list a manager may run alone.
WRITES = {
    "stock adjust": ["stock", "adjust", "TEA-200", "--qty", "-1", "--reason", "damaged"],
    "po create": ["po", "create", "--vendor", "Tapal", "--line", "TEA-200:12"],
    "stocktake start": ["stocktake", "start"],
    "product add": ["product", "add", "ROLL", "--name", "Roll", "--price", "40", "--tax-class", "exempt"],
    "product quick-key": ["product", "quick-key", "TEA-200", "--position", "1"],
    "api token add": ["api", "token", "add", "webshop", "--scope", "items:read"],
    "api webhook add": ["api", "webhook", "add", "http://127.0.0.1:9/h", "--event", "sale.completed"],
}


def pos(store_path: Path, config: Path, *args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(app, [*args, "--db", str(store_path), "--config", str(config)], input=stdin)


def journal(store_path: Path) -> list[tuple[str, str]]:
    ledger = open_ledger(store_path, read_only=True)
    try:
        return [(kind, user) for kind, user in ledger.conn.execute("SELECT kind, user FROM journal ORDER BY seq")]
    finally:
        ledger.close()


def config_file(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "pos.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", list(WRITES))
def test_no_user_a_user_that_does_not_exist_and_admin_by_default_are_all_refused(
        command: str, store: Session, store_path: Path, tmp_path: Path) -> None:
    config = config_file(tmp_path)
    before = journal(store_path)

    unnamed = pos(store_path, config, *WRITES[command])
    nobody = pos(store_path, config, *WRITES[command], "--user", "nobody")

    assert unnamed.exit_code == 1 and "Say who is doing this" in unnamed.stderr, unnamed.output
    assert nobody.exit_code == 1 and "There is no user 'nobody' in this store" in nobody.stderr, nobody.output
    assert "Traceback" not in unnamed.output + nobody.output
    assert journal(store_path) == before


@pytest.mark.parametrize("command", list(WRITES))
def test_a_cashier_is_refused_in_a_sentence_and_the_default_user_comes_from_the_config(
        command: str, store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    before = journal(store_path)

    refused = pos(store_path, config_file(tmp_path), *WRITES[command], "--user", "sara")
    assert refused.exit_code == 1 and "sara may not" in refused.stderr, refused.output
    assert journal(store_path) == before

    done = pos(store_path, config_file(tmp_path, '[staff]\ncli_user = "admin"\n'), *WRITES[command])
    assert done.exit_code == 0, done.output
    assert journal(store_path)[-1][1] == "admin"
    assert_verifies(store_path)


def test_a_cashier_adjusts_stock_with_a_managers_pin_on_stdin_and_the_journal_names_both(
        store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    add_user(store, "mona", "345678", role="manager")
    config = config_file(tmp_path)
    adjust = ("stock", "adjust", TEA_BARCODE, "--qty", "-2", "--reason", "damaged", "--user", "sara")

    alone = pos(store_path, config, *adjust)
    assert alone.exit_code == 1 and "sara may not adjust stock alone" in alone.stderr
    assert "--approved-by" in alone.stderr
    wrong = pos(store_path, config, *adjust, "--approved-by", "mona", stdin="000000\n")
    assert wrong.exit_code == 1 and "Wrong user name or PIN" in wrong.stderr
    approved = pos(store_path, config, *adjust, "--approved-by", "mona", stdin="345678\n")

    assert approved.exit_code == 0, approved.output
    assert products.get_product(store, TEA).on_hand == 98_000
    assert journal(store_path)[-1] == ("stock.adjusted", "sara")
    audit = pos(store_path, config, "audit", "--format", "csv")
    assert "mona approved stock_adjust: damaged" in audit.stdout
    assert_verifies(store_path)


def test_a_supervisor_edits_a_product_with_a_managers_approval(
        store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sana", "246802", role="supervisor")
    add_user(store, "mona", "345678", role="manager")
    config = config_file(tmp_path)

    done = pos(store_path, config, "product", "edit", "TEA-200", "--vendor", "Tapal Tea", "--user", "sana",
               "--approved-by", "mona", stdin="345678\n")

    assert done.exit_code == 0, done.output
    assert products.get_product(store, TEA).vendor == "Tapal Tea"
    assert journal(store_path)[-1] == ("product.changed", "sana")
    assert_verifies(store_path)
