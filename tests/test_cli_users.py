"""Who a `pos` command acts as: an existing user who may, never a built-in name; a supervisor's
approval with their PIN from the terminal or standard input, checked and recorded as at the till."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from pos_tui.cli.main import app
from pos_tui.ledger.database import open_ledger
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import TEA_BARCODE, assert_verifies


def pos(store_path: Path, config: Path, *args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(app, [*args, "--db", str(store_path), "--config", str(config)], input=stdin)


def journal(store_path: Path) -> list[tuple[str, str]]:
    """(kind, user) of every entry, oldest first."""
    ledger = open_ledger(store_path, read_only=True)
    try:
        return [(kind, user) for kind, user in ledger.conn.execute("SELECT kind, user FROM journal ORDER BY seq")]
    finally:
        ledger.close()


def config_file(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "pos.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_that_does_not_exist_is_refused_and_nothing_is_sold(store: Session, store_path: Path,
                                                                   tmp_path: Path) -> None:
    before = journal(store_path)
    config = config_file(tmp_path)

    for who in (["--user", "nobody"], ["--user", "cashier"], []):  # `cashier` is no user of this store
        done = pos(store_path, config, "sale", *who, "--scan", TEA_BARCODE, "--pay", "cash:500")
        assert done.exit_code == 1 and "Traceback" not in done.output
        assert journal(store_path) == before
    assert "There is no user 'nobody' in this store" in pos(
        store_path, config, "sale", "--user", "nobody", "--scan", TEA_BARCODE, "--pay", "cash:500").stderr
    assert "Say who is doing this" in pos(store_path, config, "sale", "--scan", TEA_BARCODE, "--pay", "cash:500").stderr


def test_the_default_user_comes_from_the_config(store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    config = config_file(tmp_path, '[staff]\ncli_user = "sara"\n')

    done = pos(store_path, config, "sale", "--scan", TEA_BARCODE, "--pay", "cash:500")

    assert done.exit_code == 0, done.output
    assert "Cashier Sara" in done.stdout
    assert journal(store_path)[-1] == ("sale.completed", "sara")
    assert_verifies(store_path)


def test_a_supervisor_voids_a_sale_as_themselves(store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sana", "246802", role="supervisor")
    config = config_file(tmp_path)
    assert pos(store_path, config, "sale", "--user", "admin", "--scan", TEA_BARCODE, "--pay", "cash:500").exit_code == 0

    done = pos(store_path, config, "void", "--sale", "T1-000001", "--reason", "rang up twice", "--user", "sana")

    assert done.exit_code == 0, done.output
    assert "Voided T1-000001" in done.stdout
    assert journal(store_path)[-1] == ("sale.returned", "sana")
    assert_verifies(store_path)


def test_a_cashier_voids_with_a_supervisors_pin_on_stdin_and_the_journal_names_both(
        store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    add_user(store, "sana", "246802", role="supervisor")
    config = config_file(tmp_path)
    assert pos(store_path, config, "sale", "--user", "sara", "--scan", TEA_BARCODE, "--pay", "cash:500").exit_code == 0

    alone = pos(store_path, config, "void", "--sale", "T1-000001", "--reason", "rang up twice", "--user", "sara")
    assert alone.exit_code == 1 and "sara may not void a sale alone" in alone.stderr
    assert "--approved-by" in alone.stderr
    approved = pos(store_path, config, "void", "--sale", "T1-000001", "--reason", "rang up twice", "--user", "sara",
                   "--approved-by", "sana", stdin="246802\n")

    assert approved.exit_code == 0, approved.output
    audit = pos(store_path, config, "audit", "--format", "csv")
    assert "sana approved void_sale: rang up twice" in audit.stdout
    assert journal(store_path)[-1] == ("sale.returned", "sara")
    assert_verifies(store_path)


def test_wrong_supervisor_pins_at_the_command_line_count_towards_the_lockout(
        store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    add_user(store, "sana", "246802", role="supervisor")
    config = config_file(tmp_path, "[staff]\npin_attempts = 2\n")
    assert pos(store_path, config, "sale", "--user", "sara", "--scan", TEA_BARCODE, "--pay", "cash:500").exit_code == 0
    void = ("void", "--sale", "T1-000001", "--reason", "rang up twice", "--user", "sara", "--approved-by", "sana")

    first = pos(store_path, config, *void, stdin="0000\n")
    second = pos(store_path, config, *void, stdin="0000\n")
    right_but_locked = pos(store_path, config, *void, stdin="246802\n")

    assert first.exit_code == 1 and "Wrong user name or PIN" in first.stderr
    assert second.exit_code == 1 and "locked" in second.stderr
    assert right_but_locked.exit_code == 1 and "locked" in right_but_locked.stderr
    kinds = [kind for kind, _ in journal(store_path)]
    assert kinds.count("user.login_failed") == 2 and "sale.returned" not in kinds
    assert_verifies(store_path)


def test_no_pin_on_stdin_is_a_sentence_and_a_pin_is_never_taken_from_the_command_line(
        store: Session, store_path: Path, tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    add_user(store, "sana", "246802", role="supervisor")
    config = config_file(tmp_path)
    assert pos(store_path, config, "sale", "--user", "sara", "--scan", TEA_BARCODE, "--pay", "cash:500").exit_code == 0
    before = journal(store_path)

    no_pin = pos(store_path, config, "void", "--sale", "T1-000001", "--reason", "x", "--user", "sara",
                 "--approved-by", "sana")
    in_argv = pos(store_path, config, "cash", "no-sale", "--why", "change", "--user", "sara", "--approved-by", "sana",
                  "--approver-pin", "246802")

    assert no_pin.exit_code == 1 and "nothing came on standard input" in no_pin.stderr
    assert in_argv.exit_code == 2 and "No such option" in in_argv.stderr
    assert journal(store_path) == before


def test_a_user_locked_out_may_not_act_from_the_command_line_either(store: Session, store_path: Path,
                                                                    tmp_path: Path) -> None:
    add_user(store, "sara", "1357", role="cashier")
    config = config_file(tmp_path, "[staff]\npin_attempts = 1\n")
    pos(store_path, config, "staff", "clock-in", "sara", stdin="0000\n")  # a wrong PIN locks sara

    done = pos(store_path, config, "sale", "--user", "sara", "--scan", TEA_BARCODE, "--pay", "cash:500")

    assert done.exit_code == 1 and "sara is locked" in done.stderr
    assert "sale.completed" not in [kind for kind, _ in journal(store_path)]
