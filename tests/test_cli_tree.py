"""The `pos` command tree: one table says what every command is, every command takes the common
options, and a command loads only what it needs."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys

import click
import pytest
import typer

from pos_tui.cli.commands import BY_NAME, COMMANDS, overview
from pos_tui.cli.launch import Invocation, parse
from pos_tui.cli.main import build_app


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").split("\n\n")[0].split())


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: e.name)
def test_each_row_of_the_table_names_a_command_that_says_what_the_row_says(entry: object) -> None:
    assert entry is BY_NAME[entry.name]  # type: ignore[attr-defined]
    target = getattr(importlib.import_module(entry.module), entry.attribute)  # type: ignore[attr-defined]
    if entry.group:  # type: ignore[attr-defined]
        assert isinstance(target, typer.Typer)
        said = target.info.help
    else:
        assert inspect.isfunction(target)
        said = target.__doc__
    assert _first_paragraph(said) == entry.summary  # type: ignore[attr-defined]


def _leaves(command: click.Command, path: str = "pos") -> list[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        return [leaf for name, sub in sorted(command.commands.items()) for leaf in _leaves(sub, f"{path} {name}")]
    return [(path, command)]


def test_the_whole_tree_has_every_command_of_the_table_and_no_other() -> None:
    root = typer.main.get_command(build_app())
    assert isinstance(root, click.Group)
    assert sorted(root.commands) == sorted(BY_NAME)
    assert len(_leaves(root)) > 60


def test_every_command_takes_the_common_options() -> None:
    root = typer.main.get_command(build_app())
    missing = [f"{path} has no {option}" for path, leaf in _leaves(root)
               for option in ("--db", "--config") if not any(option in p.opts for p in leaf.params)]
    assert missing == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--db", "a.db", "sale", "--scan", "1"], Invocation("sale", ["--scan", "1"], ["--db", "a.db"])),
        (["--read-only", "report", "z"], Invocation("report", ["z"], read_only=True)),
        (["report", "z", "--read-only", "--db", "a.db"], Invocation("report", ["z", "--db", "a.db"], read_only=True)),
        (["--config=p.toml", "--help"], Invocation(None, [], ["--config=p.toml"], help=True)),
        (["--db"], Invocation(problem="--db needs a value: pos --db PATH ...")),
        (["--dbx", "a"], Invocation(problem="pos has no option --dbx. Run `pos --help` for the options and commands.")),
    ],
)
def test_the_common_options_may_stand_before_or_after_the_command(argv: list[str], expected: Invocation) -> None:
    assert parse(argv) == expected


def test_pos_help_lists_every_command_from_the_table_alone() -> None:
    text = overview()
    assert all(f"  {entry.name}  " in text for entry in COMMANDS)
    assert "--read-only" in text and "--db PATH" in text


def _loaded_after(argv: list[str]) -> list[str]:
    """The heavy libraries a `pos` process has imported by the time the command is done."""
    script = (
        "import json, sys\n"
        "from pos_tui.cli.launch import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('typer', 'click', 'pydantic', 'textual', 'rich', 'escpos', 'PIL', 'peewee', 'cryptography')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pos_help_imports_no_command_library_at_all() -> None:
    assert _loaded_after(["--help"]) == []


def test_a_command_loads_neither_the_screen_nor_the_printer_library_nor_the_config_models_it_does_not_need() -> None:
    assert _loaded_after(["report", "list"]) == []  # answered from cli/help_pages.py, without typer
    assert _loaded_after(["sale", "--help"]) == []
    assert _loaded_after(["report", "x", "--help"]) == []
    assert "typer" in _loaded_after(["stock", "--help"])  # not stored: typer prints it


def test_an_unknown_command_gets_a_sentence_and_a_close_match() -> None:
    done = subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "reprot", "list"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pos has no command 'reprot'. Did you mean `pos report`? Run `pos --help` for the list.")
