"""What `pos` answers without typer (`cli/shortcuts.py`) is what typer would have answered: the stored
help pages and `pos report list` are what typer prints now, and a report run with plainly written
options gives the same output, sentences and exit status as through typer; anything else goes to typer."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from pos_tui.cli import help_pages, shortcuts
from pos_tui.cli.launch import parse, run_command
from pos_tui.cli.main import help_pages_source, rendered, stored_command_lines
from pos_tui.cli.report_cmd import report_app
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales

from .conftest import MILK_BARCODE, TEA_BARCODE, make_store

REWRITE = "the stored answers are stale: run `make help-pages` and commit pos_tui/cli/help_pages.py"


@pytest.mark.parametrize("words", stored_command_lines(), ids=" ".join)
def test_each_stored_answer_is_what_typer_prints_now(words: tuple[str, ...]) -> None:
    assert help_pages.PAGES.get(words) == rendered(words), REWRITE


def test_the_stored_answers_are_those_of_every_command_they_cover_and_no_other() -> None:
    assert sorted(help_pages.PAGES) == sorted(stored_command_lines()), REWRITE
    assert Path(help_pages.__file__).read_text(encoding="utf-8") == help_pages_source(), REWRITE


@pytest.mark.parametrize(("columns", "lines"), [(None, None), ("120", None), ("79", "40"), ("80", "24"), ("x", "1"),
                                                ("0", None), ("-3", "9")])
def test_the_width_pos_measures_is_the_one_click_sizes_its_help_by(
        monkeypatch: pytest.MonkeyPatch, columns: str | None, lines: str | None) -> None:
    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert shortcuts.terminal_columns() == shutil.get_terminal_size().columns


def _pos(*args: str, columns: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "POS_CONFIG")}
    if columns:
        env["COLUMNS"] = columns
    script = ("import json, sys\nfrom pos_tui.cli.launch import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
              "    print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'pydantic'})), "
              "file=sys.stderr)\n")
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                          env=env, stdin=subprocess.DEVNULL, check=False)


def _loaded(done: subprocess.CompletedProcess[str]) -> list[str]:
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_pos_prints_a_stored_page_without_typer_and_a_narrow_terminal_gets_typer_itself() -> None:
    wide = _pos("sale", "--help")
    assert (wide.returncode, wide.stdout, _loaded(wide)) == (0, help_pages.PAGES[("sale", "--help")], [])
    asked_first = _pos("--help", "report", "list")
    assert asked_first.stdout == help_pages.PAGES[("report", "list", "--help")] and _loaded(asked_first) == []
    narrow = _pos("sale", "--help", columns="60")
    assert narrow.returncode == 0 and _loaded(narrow) == ["typer"]
    assert narrow.stdout != wide.stdout and "Usage: pos sale [OPTIONS]" in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 58


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shortcut-reports") / "store.db"
    session = make_store(path)
    for code in (TEA_BARCODE, MILK_BARCODE):
        sales.complete_sale(session, Cart().add(products.resolve_scan(session, code)), [Tender("cash", 50_000)])
    session.close()
    return path


def _through(way: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """`pos ARGV` in this process, through typer or without it: (exit status, stdout, stderr)."""
    monkeypatch.delenv("POS_CONFIG", raising=False)
    out, err, status = io.StringIO(), io.StringIO(), 0
    invocation = parse(argv)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            if way == "typer":
                run_command(invocation)
            else:
                assert invocation.command is not None
                assert shortcuts.answer_without_typer(invocation.command, invocation.args, invocation.leading,
                                                      invocation.help)
        except SystemExit as done:
            status = int(done.code or 0)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("options", [
    ["--format", "json"],
    ["--format=csv", "--limit", "1"],
    ["--cashier", "admin", "--terminal=T1"],
    ["--category", "Tea", "--vendor", "Tapal", "--limit=0"],
    ["--from", "2026-02-30"],  # no such day: the report's own sentence, status 1
    ["--from", "2031-01-02", "--to", "2031-01-01"],
])
@pytest.mark.parametrize("report", ["sales-by-day", "sales-by-month", "sales-by-item", "sales-by-cashier"])
def test_a_report_run_without_typer_answers_as_typer_does(shop: Path, report: str, options: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["report", report, *options, "--db", str(shop)]
    assert _through("shortcut", argv, monkeypatch) == _through("typer", argv, monkeypatch)


def test_a_broken_config_file_is_refused_in_the_same_words_without_typer(tmp_path: Path, shop: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\ncurrency = "XYZ"\n', encoding="utf-8")
    argv = ["report", "sales-by-day", "--db", str(shop), "--config", str(config)]
    refused = _through("shortcut", argv, monkeypatch)
    assert refused == _through("typer", argv, monkeypatch)
    assert refused[0] == 1 and "store.currency (line 2)" in refused[2]


def test_a_report_run_loads_neither_typer_nor_the_config_models(shop: Path) -> None:
    done = _pos("report", "sales-by-month", "--format", "json", "--db", str(shop))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report"] == "sales-by-month" and _loaded(done) == []


def _typer_params(report: str, words: list[str]) -> dict[str, object]:
    """The parameters typer calls `pos report REPORT` with (click reads them; typer makes paths Paths)."""
    command = typer.main.get_command(report_app)
    assert isinstance(command, click.Group)
    params = command.commands[report].make_context(f"pos report {report}", list(words)).params
    return {name: Path(value) if name in ("db", "config") and value is not None else value
            for name, value in params.items()}


@pytest.mark.parametrize("words", [
    [], ["--from", "2026-01-01"], ["--from=2026-01-01", "--to", "2026-01-31"], ["--limit", "007"], ["--limit=0"],
    ["--format", "table", "--db", "a.db", "--config=p.toml"], ["--terminal=", "--cashier", "sana"],
    ["--vendor", "Tapal", "--category", "Tea"],
])
def test_options_read_without_typer_are_read_as_typer_reads_them(words: list[str]) -> None:
    given = shortcuts.report_options(words)
    assert given is not None
    assert {**_typer_params("sales-by-day", []), **given} == _typer_params("sales-by-day", words)


@pytest.mark.parametrize("words", [
    ["--from"], ["--from", "--to", "x"], ["--limit", "-1"], ["--limit", "1_000"], ["--limit", "x"], ["--format", "xml"],
    ["--db="], ["--from", "a", "--from", "b"], ["extra"], ["--help"], ["--", "--from", "a"], ["-h"], ["--fro", "a"],
    ["--limit", "١"],
])
def test_anything_else_is_left_to_typer(words: list[str]) -> None:
    assert shortcuts.report_options(words) is None


@pytest.mark.parametrize("argv", [
    ["report", "sales-by-day", "--format", "xml"], ["report", "sales-by-day", "--limit", "many"],
    ["report", "sales-by-dya"], ["report", "x", "--db", "nowhere.db"],
])
def test_a_mistake_gets_typers_own_words(argv: list[str]) -> None:
    invocation = parse(argv)
    assert invocation.command is not None
    with contextlib.redirect_stdout(io.StringIO()):
        assert not shortcuts.answer_without_typer(invocation.command, invocation.args, invocation.leading,
                                                  invocation.help)


def test_the_defaults_a_read_takes_without_the_models_are_the_models_own() -> None:
    from pos_tui.cli.reading import DefaultSettings
    from pos_tui.config import Settings
    from pos_tui.config_file import DEFAULT_DATABASE_PATH, DEFAULT_TERMINAL_ID

    defaults = Settings()
    assert (defaults.terminal.id, defaults.database.path) == (DEFAULT_TERMINAL_ID, DEFAULT_DATABASE_PATH)
    later = DefaultSettings()
    assert later.cash == defaults.cash and later.currency() == defaults.currency() and later.source is None


def test_with_no_config_file_a_read_opens_the_store_as_session_from_does(shop: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from pos_tui.cli.common import session_from
    from pos_tui.cli.reading import open_for_reading

    monkeypatch.delenv("POS_CONFIG", raising=False)
    monkeypatch.chdir(shop.parent)  # no ./config/pos.toml here
    ours, theirs = open_for_reading(shop, None), session_from(shop, None, read_only=True)
    try:
        assert (ours.terminal, ours.username, ours.ledger.read_only) == (theirs.terminal, theirs.username, True)
        assert ours.tender_methods == theirs.tender_methods and ours.tax_policy == theirs.tax_policy
    finally:
        ours.close()
        theirs.close()


@pytest.mark.parametrize("argv", [["sale", "--help"], ["report", "sales-by-day", "--limit", "0"],
                                  ["report", "sales-by-day", "--limit", "+0"]])  # the last through typer
def test_a_reader_that_has_gone_ends_the_command_quietly_with_status_1_either_way(shop: Path, argv: list[str]) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # `pos ... | head` once head has stopped reading
    try:
        done = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *argv, *(["--db", str(shop)] if
                                                                                  argv[0] == "report" else [])],
                              stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
                              env={k: v for k, v in os.environ.items() if k not in ("COLUMNS", "POS_CONFIG")})
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (1, "")
