"""Every command example in the README's "What the `pos` command does" block works as written.

The block is run line by line, in order, through a real shell (`;`, `>` and quotes as a reader
types them), on a small demo store at the config's default database path (var/pos.db). Where a
command asks for a PIN, the PIN comes on standard input, as it does from a script.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK_TITLE = "## What the `pos` command does"

# A command that asks for PINs, and what is typed: the demo's PINs, and new ones for new users.
PINS_ON_STDIN = (
    (re.compile(r"^pos init\b"), "111111\n"),
    (re.compile(r"^pos user add ayesha\b"), "5555\n"),
    (re.compile(r"^pos staff clock-(in|out) ayesha\b"), "5555\n"),
    (re.compile(r"--approved-by supervisor\b"), "234567\n"),
    (re.compile(r"--approved-by manager\b"), "345678\n"),
)


def readme_commands(title: str = BLOCK_TITLE) -> list[str]:
    """The lines of the first ```sh block under the README's heading ``title``."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index(title):]
    block = block[block.index("```sh\n") + len("```sh\n"):]
    block = block[:block.index("```")]
    return [line for line in block.splitlines() if line.strip()]


def command_part(line: str) -> str:
    """The line without its comment (a `#` outside quotes)."""
    quoted = ""
    for index, char in enumerate(line):
        if char in "\"'":
            quoted = "" if quoted == char else (quoted or char)
        elif char == "#" and not quoted and (index == 0 or line[index - 1] == " "):
            return line[:index].strip()
    return line.strip()


def stdin_for(command: str) -> str:
    return "".join(pins for pattern, pins in PINS_ON_STDIN if pattern.search(command))


def test_the_readme_block_has_only_runnable_commands() -> None:
    commands = [part for line in readme_commands() for part in command_part(line).split("; ")]

    assert len(commands) > 20
    for command in commands:
        assert command.startswith("pos "), command
        assert not re.search(r"\[--|\w\|\w|\b(DAY|NAME|FILE|PATH)\b", command), f"a placeholder in: {command}"


@pytest.mark.slow
def test_every_command_in_the_readme_block_succeeds_on_a_demo_store(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "120"}
    env.pop("POS_CONFIG", None)
    (tmp_path / "var").mkdir()
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "catalog.example.csv").write_bytes((REPO / "config" / "catalog.example.csv").read_bytes())
    made = subprocess.run(
        ["pos", "demo", "--db", "var/pos.db", "--skus", "60", "--days", "4", "--sales-per-day", "30", "--seed", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert made.returncode == 0, made.stderr

    # Commands joined by "; " run one by one, each with its own standard input.
    for command in [part for line in readme_commands() for part in command_part(line).split("; ")]:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, input=stdin_for(command),
                              capture_output=True, text=True, timeout=600)
        if command == "pos doctor":  # exit 0 only on a till fit to sell: this one has no printer nor backups
            assert done.returncode in (0, 1) and "check(s) failed" in done.stderr + done.stdout, done.stderr
        else:
            assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, f"{command}\n{done.stderr}"

    verified = subprocess.run(["pos", "db", "verify"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
