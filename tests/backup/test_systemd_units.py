"""The backup timers and services are valid systemd units with the schedule the issue asks for."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

from tests.support.tools import require_tool

UNITS = Path(__file__).resolve().parents[2] / "systemd"
NAMES = ["pos-backup.service", "pos-backup.timer", "pos-backup-snapshot.service", "pos-backup-snapshot.timer"]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


def test_systemd_analyze_verify_passes_on_the_backup_units() -> None:
    analyze = require_tool("systemd-analyze")
    result = subprocess.run([analyze, "verify", "--man=no", *NAMES], cwd=UNITS, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_segments_every_five_minutes_and_snapshots_hourly_then_prune() -> None:
    assert unit("pos-backup.timer")["Timer"]["OnCalendar"] == "*:0/5"
    assert unit("pos-backup.service")["Service"]["ExecStart"].endswith("pos backup segment")
    assert unit("pos-backup-snapshot.timer")["Timer"]["OnCalendar"] == "hourly"
    snapshot = unit("pos-backup-snapshot.service")["Service"]
    assert snapshot["ExecStart"].endswith("pos backup create")
    assert snapshot["ExecStartPost"].endswith("pos backup prune")
    for name in NAMES:
        if name.endswith(".timer"):
            assert unit(name)["Timer"]["Persistent"] == "true", "a box that was off catches up at boot"
        else:
            assert unit(name)["Service"]["IOSchedulingClass"] == "idle", "backups never slow a sale"
