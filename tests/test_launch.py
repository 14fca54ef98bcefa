"""`pos` alone opens the till without importing the command groups; anything else is a command."""

import pytest

from pos_tui.cli.launch import till_options


@pytest.mark.parametrize(
    ("argv", "options"),
    [
        ([], {}),
        (["--db", "var/shop.db"], {"--db": "var/shop.db"}),
        (["--db=var/shop.db", "--read-only", "--config", "pos.toml"],
         {"--db": "var/shop.db", "--read-only": True, "--config": "pos.toml"}),
    ],
)
def test_the_tills_own_options_open_the_till_straight_away(argv: list[str], options: dict[str, object]) -> None:
    assert till_options(argv) == options


@pytest.mark.parametrize(
    "argv",
    [["sale", "--scan", "1"], ["--db", "s.db", "status"], ["--help"], ["--db"], ["--read-only=yes"], ["--dbx", "a"]],
)
def test_a_command_help_or_a_broken_option_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert till_options(argv) is None
