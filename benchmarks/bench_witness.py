"""What checking the journal against its witnesses costs (issue 15).

    python benchmarks/bench_witness.py [--db benchmarks/data/demo-20000-30.db] [--manifests 1000]
        [--baseline-ref 1c77a6e] [--rounds 3]

On the `make run` demo store (20,000 SKUs, 30 days; built once with `pos demo ... --seed 1` and
cached under benchmarks/data/), copied, with a Z taken on the copy and ``--manifests`` signed backup
manifests of it written into a backup destination:

- reading the manifests as verify does (parse, check the Ed25519 signature of each, keep this
  store's), in CPU time, beside parsing alone in the same run (target: 1,000 in under a second);
- the same with every signature checked (what verify does when every manifest disagrees);
- `pos db verify` as it runs now (time order checked on the chain scan; the Z, every manifest of
  the configured destination and a typed head checked), beside `pos db verify` of
  ``--baseline-ref`` (the code before witnesses, extracted with `git archive`) on the same copy, in
  alternating rounds; each the whole command in a process of its own, CPU time of that process and
  its workers; medians (target: at most 5% more).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from pos_tui.backup.keys import key_id  # noqa: E402
from pos_tui.backup.manifest import FORMAT, FileDigest, Manifest, sign  # noqa: E402
from pos_tui.backup.naming import make_name  # noqa: E402
from pos_tui.backup.witnesses import manifest_files, manifest_witnesses  # noqa: E402
from pos_tui.config import Settings  # noqa: E402
from pos_tui.ledger.database import APPLICATION_ID, open_ledger  # noqa: E402
from pos_tui.ledger.witness import check_witnesses, z_witnesses  # noqa: E402
from pos_tui.services.cash import day_reports  # noqa: E402
from pos_tui.services.session import Session  # noqa: E402

# `pos db verify` as a person runs it, from the checkout given as the working directory.
CLI = """
import sys
from pathlib import Path
import pos_tui
if not Path(pos_tui.__file__).resolve().is_relative_to(Path.cwd().resolve()):
    sys.exit(f"this run imported {pos_tui.__file__}, not the pos_tui of {Path.cwd()}")
from pos_tui.cli.main import app
sys.argv = ["pos", *sys.argv[1:]]
app()
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ensure_demo(db: Path) -> None:
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pos_tui.cli.main", "demo", "--db", str(db), "--skus", "20000",
                    "--days", "30", "--seed", "1"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def take_z(store: Path) -> None:
    ledger = open_ledger(store)
    session = Session(ledger, Settings(), "admin")
    try:
        day_reports.z_report(session, force=True)
    finally:
        session.close()


def write_manifests(store: Path, destination: Path, count: int) -> str:
    """``count`` signed manifests of heads spread over the journal; returns a typed head (SEQ:HASH)."""
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    (destination / "signer.pub").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    ledger = open_ledger(store, read_only=True)
    try:
        info = ledger.store_info()
        head = ledger.head().seq
        seqs = [max(1, head * (n + 1) // count) for n in range(count)]
        hashes = dict(ledger.conn.execute(
            f"SELECT seq, hash FROM journal WHERE seq IN ({','.join('?' * len(set(seqs)))})", sorted(set(seqs))))
    finally:
        ledger.close()
    start = datetime(2026, 11, 7, tzinfo=UTC)
    digest = FileDigest("0" * 64, 0)
    for n, seq in enumerate(seqs):
        name = make_name(start + timedelta(minutes=5 * n), "segment", "T1", info.store_id)
        manifest = Manifest(kind="segment", payload=name.payload_name, created_at=name.stem, store_id=info.store_id,
                            store_name=info.name, terminal="T1", schema_version=1, application_id=APPLICATION_ID,
                            head_seq=seq, head_hash=hashes[seq], head_at="", first_seq=1, base_hash="",
                            plaintext=digest, ciphertext=digest, recipients=("age1x",), previous="",
                            signer=key_id(key.public_key()), format=FORMAT)
        (destination / name.manifest_name).write_bytes(sign(manifest, key))
    middle = seqs[len(seqs) // 2]
    return f"{middle}:{hashes[middle][:12]}"


def bench_reading(destination: Path, store_id: str, store_path: Path) -> list[tuple[str, float]]:
    from pos_tui.backup.keys import load_verify_key

    trusted = load_verify_key(destination / "signer.pub")
    files = manifest_files([destination])
    cpu = time.process_time()
    for path in files:
        json.loads(path.read_bytes())
    parse_only = time.process_time() - cpu
    cpu = time.process_time()
    found = manifest_witnesses(manifest_files([destination]), store_id, trusted)
    reading = time.process_time() - cpu
    cpu = time.process_time()
    refused = [why for why in map(found.confirm, found.witnesses) if why]
    signatures = time.process_time() - cpu
    assert len(found.witnesses) == len(files) and not found.skipped and not refused, (found.skipped + refused)[:3]
    # The rest of what verify does for its witnesses: the Z's and every manifest's head looked up.
    ledger = open_ledger(store_path, read_only=True)
    try:
        cpu = time.process_time()
        checks = check_witnesses(ledger.conn, [*z_witnesses(ledger.conn), *found.witnesses])
        lookups = time.process_time() - cpu
    finally:
        ledger.close()
    assert all(check.agrees for check in checks)
    return [(f"read {len(files):,} manifests as verify does (find, parse, dedupe), CPU s", reading),
            (f"  + check all {len(files):,} signatures (when every one disagrees), CPU s", signatures),
            ("  same run, json.loads of the files alone, CPU s", parse_only),
            (f"  {len(checks):,} heads looked up in the journal (check_witnesses), CPU s", lookups),
            ("witness work in verify's own process (read + look up), CPU s", reading + lookups)]


def run_verify(script: str, args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    before, wall = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    return children_cpu() - before, time.perf_counter() - wall, (done.stdout.strip() or done.stderr.strip()[-300:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO / "benchmarks" / "data" / "demo-20000-30.db")
    parser.add_argument("--manifests", type=int, default=1000)
    parser.add_argument("--baseline-ref", default="1c77a6e", help="git ref of the code before witnesses")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ensure_demo(args.db)
    with tempfile.TemporaryDirectory(prefix="bench-witness-") as tmp:
        work = Path(tmp)
        store = work / "store.db"
        shutil.copy(args.db, store)
        take_z(store)
        destination = work / "backups"
        destination.mkdir()
        typed = write_manifests(store, destination, args.manifests)
        ledger = open_ledger(store, read_only=True)
        store_id = ledger.store_info().store_id
        ledger.close()
        rows = bench_reading(destination, store_id, store)
        witness_work = rows[-1][1]

        baseline = work / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.baseline_ref, "pos_tui", "db"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        config = work / "pos.toml"
        config.write_text(f'[backup]\ndestinations = ["{destination}"]\n'
                          f'signer_public_key = "{destination / "signer.pub"}"\n')
        environment = {key: value for key, value in os.environ.items() if key != "POS_CONFIG"}
        old_env = environment | {"PYTHONPATH": str(baseline)}
        new_env = environment | {"PYTHONPATH": str(REPO)}
        load = os.getloadavg()[0]
        old, new, said = [], [], set()
        for _ in range(args.rounds):
            cpu, _wall, verdict = run_verify(CLI, ["db", "verify", "--db", str(store)], baseline, old_env)
            old.append(cpu)
            said.add(f"before: {verdict.splitlines()[-1]}")
            cpu, _wall, verdict = run_verify(CLI, ["db", "verify", "--db", str(store), "--config", str(config),
                                                   "--witness", typed], REPO, new_env)
            new.append(cpu)
            said.add(f"now: {verdict.splitlines()[0]} / {verdict.splitlines()[-1]}")
        rows += [(f"pos db verify before witnesses ({args.baseline_ref}), median CPU s of {args.rounds}",
                  statistics.median(old)),
                 (f"pos db verify now: time order, the Z, {args.manifests:,} manifests, a typed head; median CPU s",
                  statistics.median(new)),
                 ("  now / before, medians (target <= 1.05)", statistics.median(new) / statistics.median(old)),
                 ("  now / before, minimums (noise on a shared box only adds)", min(new) / min(old)),
                 ("  witness work in-process / median before (the added work, measured apart from the noise)",
                  witness_work / statistics.median(old)),
                 (f"  load average, 1 min, before / after ({os.cpu_count()} CPUs)", load),
                 ("", os.getloadavg()[0])]
    for line in sorted(said):
        print(line)
    print("CPU s per round, before: " + ", ".join(f"{v:.2f}" for v in old))
    print("CPU s per round, now:    " + ", ".join(f"{v:.2f}" for v in new))
    for label, value in rows:
        print(f"{label:<100} {value:8.3f}" if label else f"{'':<100} {value:8.3f}")


if __name__ == "__main__":
    main()
