"""Installing on a till: every systemd unit verifies, and the console unit runs `pos` as `pos` on its tty."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

from tests.support.tools import require_tool

UNITS = Path(__file__).resolve().parents[1] / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


def test_systemd_analyze_verify_passes_on_every_unit_templates_instantiated(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze")
    names = []
    for path in sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer")):
        shutil.copy(path, tmp_path / path.name)
        if path.stem.endswith("@"):  # a template is only parsed through an instance of it
            instance = f"{path.stem}tty1{path.suffix}"
            (tmp_path / instance).symlink_to(path.name)
            names.append(instance)
        else:
            names.append(path.name)
    assert "pos-tui@tty1.service" in names
    result = subprocess.run([analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_till_unit_runs_pos_on_its_console_as_the_unprivileged_pos_user() -> None:
    till = unit("pos-tui@.service")
    service = till["Service"]
    assert (service["User"], service["Group"]) == ("pos", "pos")
    assert service["ExecStart"].split()[-1] == "pos"
    assert service["TTYPath"] == "/dev/%I" and service["StandardInput"] == "tty-force"
    assert service["Restart"] == "always", "a till that exits comes back"
    assert service["PAMName"] == "login", "a login session on the console: the autologin"
    assert till["Unit"]["Conflicts"] == "getty@%i.service"
    assert till["Install"]["DefaultInstance"] == "tty1"
    assert "PrivateDevices" not in service, "the scanner, printer and drawer must stay visible"
