"""Other processes on the same database: a till that sells, a seat that just sits there open."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

SELLER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("SELECT count(*) FROM sale").fetchone()
print("open", flush=True)
mode = sys.argv[2]
if mode == "idle":
    sys.stdin.readline()
elif mode == "sell-then-hang":
    for n in range(int(sys.argv[3])):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO sale(total) VALUES (?)", (n,))
        db.execute("COMMIT")
    print("sold", flush=True)
    sys.stdin.readline()
else:
    while True:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO sale(total) VALUES (1)")
        db.execute("COMMIT")
        time.sleep(0.005)
"""


def start_till(db: Path, mode: str, *extra: str) -> subprocess.Popen[str]:
    """A separate Python process with ``db`` open: "idle", "sell" (forever) or "sell-then-hang N"."""
    process = subprocess.Popen(
        [sys.executable, "-c", SELLER, str(db), mode, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "open"
    if mode == "sell-then-hang":
        assert process.stdout.readline().strip() == "sold"
    time.sleep(0.05)
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(timeout=10)
