"""A restored till pulling its gap back (`pos sync --pull-gap`), one transaction an entry.

    python benchmarks/bench_pull_gap.py               # 1,000 sales
    python benchmarks/bench_pull_gap.py --sales 5000

A store sells N one-tea sales; the entries are then taken back onto a copy of the file as it was
before them through ``gap.append_pulled`` (each with the restore check, the chain check, its
projections and the acknowledgement in one BEGIN IMMEDIATE transaction), beside the same entries in
one transaction through replay's ``import_entries`` (the floor). Process CPU, no NATS or head office.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pos_tui.config import Settings
from pos_tui.ledger.database import GENESIS_HASH
from pos_tui.ledger.replay import import_entries
from pos_tui.services.chain import gap, outbox
from pos_tui.services.session import Session, open_session
from tests.chain.conftest import sell
from tests.conftest import TEA_BARCODE, make_store
from tests.forgeries import copy_store, journal_of


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=1000)
    count = parser.parse_args().sales
    directory = Path(tempfile.mkdtemp())
    try:
        db = directory / "store.db"
        store = make_store(db)
        with store.ledger.write() as conn:
            conn.execute("INSERT INTO chain_sync (singleton, terminal, epoch, acked_seq, acked_hash)"
                         " VALUES (1, 'T1', 1, 0, ?)", (GENESIS_HASH,))
        copy_store(db, directory / "before.db")
        for _ in range(count):
            sell(store, TEA_BARCODE, 50_000)
        store.close()
        before = len(journal_of(directory / "before.db"))
        entries = journal_of(db)[before:]

        def fresh(name: str) -> Session:
            shutil.copy(directory / "before.db", directory / name)
            return open_session(Settings(), directory / name, username="admin")

        pulled_into = fresh("pulled.db")
        outbox.mark_new_epoch(pulled_into.ledger)
        start = cpu()
        for entry in entries:
            gap.append_pulled(pulled_into.ledger, entry)
        pulled = cpu() - start
        pulled_into.close()
        bulk_into = fresh("bulk.db")
        start = cpu()
        import_entries(bulk_into.ledger, entries)
        bulk = cpu() - start
        bulk_into.close()
        print(f"{len(entries)} entries pulled, one transaction each: {pulled:.2f} s CPU"
              f" ({pulled / len(entries) * 1000:.2f} ms an entry); in one transaction (import_entries):"
              f" {bulk:.2f} s CPU; {pulled / bulk:.1f}x")
        print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    main()
