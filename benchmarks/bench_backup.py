"""Backup figures on a demo store of about 500 MB.

    python benchmarks/bench_backup.py [--db benchmarks/data/demo-500.db] [--skus 250000 --days 365]

Builds the demo store once (``pos demo``'s generator; cached under benchmarks/data/, which git
ignores), then measures, each on the real files:

- create: one-step copy + quick_check + age encryption + Ed25519-signed manifest, in MB/s of database;
- verify: ciphertext sha256, decryption, plaintext sha256, integrity_check + foreign keys (MB/s), and
  separately the ledger check (hash chain, replay == projections), which depends on journal length;
- restore: the whole ``restore`` of a snapshot (verify + swap), without and with the safety snapshots;
- the worst and the 99th-percentile sale-commit latency of another process selling through the
  services while ``create`` runs (target: worst <= 250 ms).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pos_tui.backup.age_stream import decrypt_stream, file_digest  # noqa: E402
from pos_tui.backup.keys import generate_keys, load_identity, load_verify_key  # noqa: E402
from pos_tui.backup.ledger_facts import opened, require_verified  # noqa: E402
from pos_tui.backup.restore import restore  # noqa: E402
from pos_tui.backup.settings import BackupSettings  # noqa: E402
from pos_tui.backup.snapshot import BackupJob, create_snapshot  # noqa: E402
from pos_tui.backup.sqlite_files import require_healthy  # noqa: E402
from pos_tui.backup.verify import Trust, trusted_manifest  # noqa: E402
from pos_tui.config import Settings  # noqa: E402

SELLER = """
import sys, time
from pathlib import Path
from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session
session = open_session(Settings(), Path(sys.argv[1]), username="cashier")
code = session.ledger.conn.execute("SELECT code FROM barcodes LIMIT 1").fetchone()[0]
item = catalog.resolve_scan(session, code)
print("selling", flush=True)
while True:
    started = time.perf_counter()
    sale = sales.complete_sale(session, Cart().add(item), [Tender("cash", 10_000_000)])
    print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)
    time.sleep(0.02)
"""


def ensure_demo(db: Path, skus: int, days: int) -> None:
    if db.exists():
        return
    from pos_tui.services.demo.store import build_demo

    db.parent.mkdir(parents=True, exist_ok=True)
    print(f"building demo store {db.name} ({skus} SKUs, {days} days)...", flush=True)
    build_demo(Settings(), db, skus=skus, days=days, seed=7)


def mb(size: int) -> float:
    return size / 1_000_000


def timed(label: str, action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.2f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=REPO / "benchmarks" / "data" / "demo-500.db")
    parser.add_argument("--skus", type=int, default=250_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    ensure_demo(args.db, args.skus, args.days)

    with tempfile.TemporaryDirectory(prefix="bench-backup-", dir=args.db.parent) as tmp:
        work = Path(tmp)
        live = work / "var" / "pos.db"
        live.parent.mkdir()
        shutil.copy(args.db, live)
        size = live.stat().st_size
        keys = generate_keys(work / "keys")
        dest = work / "backups"
        dest.mkdir()
        settings = BackupSettings(recipients=[keys.recipient_text], signing_key=keys.signing_key, destinations=[dest])
        job = BackupJob.from_settings(live, "T1", settings)
        print(f"database: {mb(size):.0f} MB")

        create_s = timed("create (copy + quick_check + encrypt + sign)", lambda: create_snapshot(job))
        snapshot = sorted(dest.glob("*.sqlite.age"))[0]
        trust = Trust(load_identity(keys.identity, lambda: ""), load_verify_key(keys.signing_pub))
        manifest = trusted_manifest(snapshot, trust)
        plain = work / "plain.db"

        def decrypt() -> None:
            assert file_digest(snapshot) == manifest.ciphertext
            with snapshot.open("rb") as source, plain.open("wb") as target:
                assert decrypt_stream(source, target, trust.identities, snapshot.name) == manifest.plaintext

        decrypt_s = timed("verify: sha256 + decrypt + sha256", decrypt)
        sqlite_s = timed(
            "verify: integrity_check + foreign_key_check", lambda: require_healthy(plain, full=True, what="copy")
        )

        def ledger_check() -> None:
            with opened(plain, read_only=False) as ledger:
                require_verified(ledger, "copy")

        ledger_s = timed("verify: ledger (chain, replay == projections, sales)", ledger_check)
        restore_s = timed(
            "restore (verify everything + swap)", lambda: restore(live, trust, snapshot=snapshot, search=[dest])
        )
        restore_full_s = timed(
            "restore with safety snapshots before and after",
            lambda: restore(live, trust, snapshot=snapshot, search=[dest], job=job),
        )

        seller = subprocess.Popen(
            [sys.executable, "-c", SELLER, str(live)], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        assert seller.stdout is not None and seller.stdout.readline().strip() == "selling"
        time.sleep(1.0)
        during_s = timed("create while another process sells", lambda: create_snapshot(job))
        time.sleep(0.5)
        seller.kill()
        latencies = sorted(float(x) for x in seller.stdout.read().split())
        seller.wait()

        print("\nFigures")
        print(f"  create:  {mb(size) / create_s:6.0f} MB/s ({create_s:.2f} s for {mb(size):.0f} MB)")
        crypto_sqlite = decrypt_s + sqlite_s
        print(
            f"  verify:  {mb(size) / crypto_sqlite:6.0f} MB/s for hashes + decrypt + integrity "
            f"({crypto_sqlite:.2f} s); ledger check {ledger_s:.2f} s more"
        )
        print(f"  restore: {restore_s:.2f} s ({restore_full_s:.2f} s with safety snapshots)")
        if latencies:
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            print(
                f"  selling during create ({during_s:.2f} s): {len(latencies)} sales, median "
                f"{statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, worst {latencies[-1]:.1f} ms "
                f"({'within' if latencies[-1] <= 250 else 'OVER'} the 250 ms budget)"
            )


if __name__ == "__main__":
    main()
