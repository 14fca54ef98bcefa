"""An admin makes keys, prunes old backups; the backup code stays free of the TUI."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pos_tui.backup.naming import manifest_path_for
from pos_tui.cli.backup_cmd import backup_app
from tests.backup.till_setup import Till, write_config


def test_keygen_from_the_shell_prints_what_goes_where(tmp_path: Path) -> None:
    result = CliRunner().invoke(backup_app, ["keygen", "--out", str(tmp_path / "k")])
    assert result.exit_code == 0, result.output
    assert "keep it OFF the till" in result.output and "age1" in result.output
    assert stat.S_IMODE((tmp_path / "k" / "backup-identity.txt").stat().st_mode) == 0o600
    again = CliRunner().invoke(backup_app, ["keygen", "--out", str(tmp_path / "k")])
    assert again.exit_code == 1 and "never overwrites" in again.output


def test_passphrase_protected_identity_restores_with_the_passphrase(till: Till, tmp_path: Path) -> None:
    env = {"POS_BACKUP_PASSPHRASE": "till number one"}
    made = CliRunner().invoke(backup_app, ["keygen", "--out", str(tmp_path / "pk"), "--passphrase"], env=env)
    assert made.exit_code == 0, made.output
    recipient = (tmp_path / "pk" / "backup-recipient.txt").read_text().strip()
    till.keys = till.keys.__class__(
        tmp_path / "pk" / "backup-identity.age",
        tmp_path / "pk" / "backup-recipient.txt",
        tmp_path / "pk" / "till-signing.key",
        tmp_path / "pk" / "till-signing.pub",
        recipient,
    )
    write_config(till.config, till.db, till.keys, [till.local])
    till.sell_teas(1)
    assert till.run("create").exit_code == 0

    wrong = CliRunner().invoke(
        backup_app,
        ["verify", str(till.snapshots()[0]), "--config", str(till.config), "--identity", str(till.keys.identity)],
        env={"POS_BACKUP_PASSPHRASE": "till number two"},
    )
    right = CliRunner().invoke(
        backup_app,
        ["verify", str(till.snapshots()[0]), "--config", str(till.config), "--identity", str(till.keys.identity)],
        env=env,
    )
    assert wrong.exit_code == 1 and "passphrase" in wrong.output
    assert right.exit_code == 0, right.output


def test_prune_keeps_the_newest_snapshot_with_its_segments_and_leaves_tampered_files_alone(till: Till) -> None:
    for _ in range(3):
        assert till.run("create").exit_code == 0
        till.sell_teas(1)
        assert till.run("segment").exit_code == 0
    oldest = till.snapshots()[0]
    tampered = manifest_path_for(oldest)
    document = json.loads(tampered.read_text())
    document["manifest"]["store_name"] = "Someone else"
    tampered.write_text(json.dumps(document))
    leftover = till.local / till.segments()[0].name.replace("segment", "snapshot").replace(".jsonl", ".sqlite")
    leftover.write_bytes(b"age-encryption.org/v1\n")  # a payload whose job died before its manifest
    newest_snapshot, newest_segment = till.snapshots()[-1], till.segments()[-1]

    result = till.run(
        "prune",
        "--keep-last",
        "1",
        "--keep-daily",
        "0",
        "--keep-weekly",
        "0",
        "--keep-monthly",
        "0",
        "--to",
        str(till.local),
    )

    assert result.exit_code == 0, result.output
    assert till.snapshots() == [oldest, newest_snapshot]
    assert till.segments() == [newest_segment]
    assert not leftover.exists()
    assert "Left alone" in result.output and oldest.name in result.output
    assert till.run("verify", str(newest_segment), "--identity", str(till.keys.identity)).exit_code == 0


def test_backup_code_never_imports_textual_or_rich() -> None:
    code = (
        "import sys, pos_tui.backup.restore, pos_tui.backup.segment, pos_tui.backup.prune;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
