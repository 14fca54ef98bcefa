"""A till as an admin finds it: a stocked store, keys from keygen, a config, two destinations."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner, Result

from pos_tui.backup.keys import GeneratedKeys, generate_keys
from pos_tui.cli.backup_cmd import backup_app
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.ledger.database import open_ledger
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session, open_session
from tests.conftest import TEA_BARCODE, make_store

CLI = [sys.executable, "-m", "pos_tui.cli.backup_cmd"]


@dataclass
class Till:
    root: Path
    db: Path
    config: Path
    keys: GeneratedKeys
    local: Path
    usb: Path

    def run(self, *args: str) -> Result:
        """``pos backup ARGS`` in this process, as the admin types it."""
        return CliRunner().invoke(backup_app, [*args[:1], "--config", str(self.config), *args[1:]])

    def command(self, *args: str) -> list[str]:
        """``pos backup ARGS`` as a separate process (for kill -9 and several processes)."""
        return [*CLI, *args[:1], "--config", str(self.config), *args[1:]]

    def run_process(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), capture_output=True, text=True, timeout=120)

    def session(self) -> Session:
        from pos_tui.config import load_settings

        return open_session(load_settings(self.config), self.db, username="admin")

    def sell_teas(self, count: int) -> list[int]:
        """Ring up ``count`` one-tea cash sales; returns their journal seqs."""
        session = self.session()
        try:
            seqs = []
            for _ in range(count):
                cart = Cart().add(products.resolve_scan(session, TEA_BARCODE))
                sales.complete_sale(session, cart, [Tender("cash", 50_000)])
                seqs.append(session.ledger.head().seq)
            return seqs
        finally:
            session.close()

    def sale_count(self, db: Path | None = None) -> int:
        ledger = open_ledger(db or self.db, read_only=True)
        try:
            return int(ledger.conn.execute("SELECT count(*) FROM sales").fetchone()[0])
        finally:
            ledger.close()

    def snapshots(self, where: Path | None = None) -> list[Path]:
        return sorted((where or self.local).glob("pos-*-snapshot-*.sqlite.age"))

    def segments(self, where: Path | None = None) -> list[Path]:
        return sorted((where or self.local).glob("pos-*-segment-*.jsonl.age"))


def write_config(path: Path, db: Path, keys: GeneratedKeys, destinations: list[Path]) -> None:
    dests = ", ".join(f'"{d}"' for d in destinations)
    path.write_text(
        f'[database]\npath = "{db}"\n\n[terminal]\nid = "T1"\n\n'
        f'[backup]\nrecipients = ["{keys.recipient_text}"]\nsigning_key = "{keys.signing_key}"\n'
        f"destinations = [{dests}]\n"
    )


def set_up_till(root: Path) -> Till:
    (root / "var").mkdir(parents=True)
    db = root / "var" / "pos.db"
    make_store(db).close()
    keys = generate_keys(root / "keys")
    local, usb = root / "backups", root / "usb"
    local.mkdir()
    usb.mkdir()
    config = root / "pos.toml"
    write_config(config, db, keys, [local, usb])
    return Till(root, db, config, keys, local, usb)
