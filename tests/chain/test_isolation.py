"""The till never loads the chain's libraries: nats and psycopg are imported only by `pos sync` and `pos hq`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pos_tui.cli.commands import COMMANDS


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_till_its_whole_command_tree_and_the_doctor_load_neither_nats_nor_psycopg() -> None:
    loaded = _loaded_after("import pos_tui.tui.app, pos_tui.cli.main, pos_tui.services.doctor, pos_tui.cli.launch\n"
                           "pos_tui.cli.main.build_app()")
    assert not loaded & {"nats", "psycopg"}


@pytest.mark.parametrize("entry", [e for e in COMMANDS if e.name not in ("sync", "hq")], ids=lambda e: e.name)
def test_no_other_command_module_loads_the_chain_libraries(entry: object) -> None:
    loaded = _loaded_after(f"import {entry.module}")  # type: ignore[attr-defined]
    assert not loaded & {"nats", "psycopg"}
