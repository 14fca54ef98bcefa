"""`pos backup create` beside the same steps done by the tools, on one store in one run (CPU).

    python benchmarks/bench_backup_tools.py --skus 100000   # the cached 100,000-SKU, 365-day demo store
    python benchmarks/bench_backup_tools.py --restore       # also `pos backup restore` beside `pos backup verify`

The tools: ``sqlite3 STORE ".backup COPY"``, ``age -r RECIPIENT -o COPY.age COPY`` and
``sqlite3 COPY "PRAGMA quick_check"``. Then ``pos backup create`` as a person runs it (a new process,
its imports included) on the same store with the same recipient, and ``pos backup create --help``
(the same process and imports, doing nothing) for the share of the imports. CPU of the child processes (``getrusage``).
With ``--restore``: ``pos backup verify`` of the snapshot just made, then ``pos backup restore --yes``
of it over a copy of the store, with the safety snapshots before and after the swap that the
configured keys and destinations make it take (target: restore <= 1.5x verify, CPU).
Needs ``sqlite3`` and ``age`` on PATH.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pos_tui.backup.keys import generate_keys
from pos_tui.config import Settings
from pos_tui.services.demo.cache import cached_demo

CACHE = Path(__file__).resolve().parent.parent / "var" / "demo"
POS = Path(sys.executable).with_name("pos")


SPLIT: dict[str, tuple[float, float]] = {}  # label -> (user, system) CPU seconds


def children_cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime


def run(*command: str, label: str = "") -> float:
    """CPU seconds (user + system) of ``command``; the split is kept under ``label``. The system
    part is mostly page-cache work, which on a box short of free memory includes reclaim for others."""
    user, system = children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after_user, after_system = children_cpu()
    SPLIT[label or command[0]] = (after_user - user, after_system - system)
    return after_user - user + after_system - system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--restore", action="store_true", help="also time verify and restore of the snapshot")
    args = parser.parse_args()
    store = cached_demo(args.cache, Settings(), skus=args.skus, days=args.days).path
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-backup-tools-", dir=args.cache) as tmp:
        work = Path(tmp)
        keys = generate_keys(work / "keys")
        copy = work / "copy.db"
        tools = {
            "sqlite3 .backup": run("sqlite3", str(store), f".backup '{copy}'", label="sqlite3 .backup"),
            "age -r": run("age", "-r", keys.recipient_text, "-o", str(work / "copy.db.age"), str(copy), label="age -r"),
            "PRAGMA quick_check": run("sqlite3", str(copy), "PRAGMA quick_check", label="PRAGMA quick_check"),
        }
        # The tools' 3.4 GB of output go before `create` runs: left in the page cache, the kernel
        # reclaims them in create's time (system CPU charged to it), not in the tools'.
        copy.unlink()
        (work / "copy.db.age").unlink()
        (work / "dest").mkdir()
        config = work / "pos.toml"
        config.write_text(
            f'[backup]\nrecipients = ["{keys.recipient_text}"]\nsigning_key = "{keys.signing_key}"\n'
            f'destinations = ["{work / "dest"}"]\nwork_dir = "{work}"\n', encoding="utf-8")
        idle = run(str(POS), "backup", "create", "--help")
        create = run(str(POS), "backup", "create", "--config", str(config), "--db", str(store), label="create")
        restoring: dict[str, float] = {}
        if args.restore:
            snapshot = next((work / "dest").glob("*.sqlite.age"))
            keyring = ("--identity", str(keys.identity), "--signer", str(keys.signing_pub))
            restoring["verify"] = run(str(POS), "backup", "verify", str(snapshot), *keyring, "--workdir", str(work))
            live = work / "live" / "pos.db"
            live.parent.mkdir()
            shutil.copyfile(store, live)
            restoring["restore"] = run(str(POS), "backup", "restore", str(snapshot), *keyring, "--yes",
                                       "--config", str(config), "--db", str(live))
    size = store.stat().st_size / 2**20
    tools_cpu = sum(tools.values())
    print(f"{store.name}: {size:,.0f} MiB; load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    print("| figure | CPU s |")
    print("|---|---|")
    for name, value in tools.items():
        print(f"| tools: {name} | {value:.2f} |")
    print(f"| tools, together | {tools_cpu:.2f} |")
    print(f"| `pos backup create` (a new process, imports included) | {create:.2f} |")
    print(f"| `pos backup create --help` (the process and its imports alone) | {idle:.2f} |")
    print(f"create / tools, CPU: {create / tools_cpu:.2f}x (target 1.2x)")
    tools_user = sum(SPLIT[name][0] for name in tools)
    tools_system = sum(SPLIT[name][1] for name in tools)
    print(f"  user CPU: tools {tools_user:.2f} s, create {SPLIT['create'][0]:.2f} s "
          f"({SPLIT['create'][0] / tools_user:.2f}x); system CPU: tools {tools_system:.2f} s, create "
          f"{SPLIT['create'][1]:.2f} s ({SPLIT['create'][1] / tools_system:.2f}x)")
    if restoring:
        print(f"| `pos backup verify` of the snapshot | {restoring['verify']:.2f} |")
        print(f"| `pos backup restore --yes` of it, with the two safety snapshots | {restoring['restore']:.2f} |")
        print(f"restore / verify, CPU: {restoring['restore'] / restoring['verify']:.2f}x (target 1.5x)")


if __name__ == "__main__":
    main()
