"""A real terminal: the cockpit in tmux on a sample store; log in, sell one item by typing its barcode, quit.

The pane must never show a traceback, and the books must verify afterwards.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.conftest import TEA_BARCODE, assert_verifies, make_store
from tests.support.tools import require_tool

# The installed `pos` command, as a person starts it.
POS = Path(sys.executable).parent / "pos"


class Pane:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[str] = []

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout

    def text(self) -> str:
        screen = self.tmux("capture-pane", "-p", "-t", self.name)
        self.seen.append(screen)
        return screen

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the pane shows:\n{self.text()}")


def test_sell_one_item_in_a_real_terminal(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    make_store(db).close()
    require_tool("tmux")
    pane = Pane(f"pos-smoke-{uuid.uuid4().hex[:8]}")
    command = f"{POS} --db {db}; echo EXITED $?; sleep 5"
    pane.tmux("new-session", "-d", "-s", pane.name, "-x", "120", "-y", "40", "-e", f"XDG_STATE_HOME={tmp_path}",
              "-e", "POS_DEMO=1", command)
    try:
        pane.wait_for("PIN", timeout=15)
        pane.keys("admin", "Tab", "456789", "Enter")  # in one burst, as a keyboard macro or a badge reader types
        pane.wait_for("Scan or type")
        pane.keys(TEA_BARCODE, "Enter", TEA_BARCODE, "Enter")  # two scans in one burst, as a wedge sends them
        pane.wait_for("Tapal Danedar Tea")
        pane.wait_for("Rs 900.00")
        pane.keys("F12")
        pane.wait_for("Paying by Cash")
        pane.keys("1000", "Enter")
        pane.wait_for("CHANGE DUE")
        pane.keys("Enter")
        pane.wait_for("Sale T1-000001 saved")
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", pane.name], capture_output=True)
    assert not any("Traceback" in screen for screen in pane.seen)
    assert_verifies(db)
