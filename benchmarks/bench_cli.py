"""How much a `pos` command costs to start, in CPU seconds of the whole process (docs/performance.md, "Commands").

    python benchmarks/bench_cli.py                       # on the `make run` demo store (var/demo.db)
    python benchmarks/bench_cli.py --baseline DIR        # also the code checked out in DIR, same run

Each figure is the median of --runs fresh processes, user + system CPU of the child (the box may be
shared: wall time would measure the neighbours). Bytecode is compiled first and the processes may write
it, as on an installed till. Printed beside the same-run anchors: `python -c pass`, `python -c "import
sqlite3"` (the issue's yardstick: a command within 3x of it) and `hledger --version`, the tool an
accountant runs beside ours. With --baseline, the same commands run on another checkout of pos_tui (for
example the commit before a change) through the same interpreter and libraries. The till's start-up
(spawn to the login box in a pseudo-terminal: wall, and the CPU of the process, which also stops it)
comes from bench_tui.pos_command_starts.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import site
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO = ROOT / "var" / "demo.db"
LAUNCH = "import sys; from pos_tui.cli.launch import main; main()"

COMMANDS: tuple[tuple[str, list[str], float | None, float | None], ...] = (
    # (what, arguments after `pos`, target CPU seconds, target in multiples of `python -c "import sqlite3"`)
    ("pos --help", ["--help"], 0.15, 3),
    ("pos report list", ["report", "list"], 0.15, 3),
    ("pos sale --help", ["sale", "--help"], 0.15, 3),
    ("pos report sales-by-month --format json", ["report", "sales-by-month", "--format", "json", "--db", "{db}"], 0.3,
     None),
    # Not a target: the same report on a till that has a config file, which is read and checked whole.
    ("  the same, with config/pos.example.toml", ["report", "sales-by-month", "--format", "json", "--db", "{db}",
                                                  "--config", "{config}"], None, None),
)
EXAMPLE_CONFIG = ROOT / "config" / "pos.example.toml"


def child_cpu(argv: list[str], env: dict[str, str], runs: int, cwd: Path = ROOT) -> float:
    """Median CPU seconds (user + system) of ``runs`` fresh processes of ``argv``, started in ``cwd``
    (`python -c` imports from its working directory first: the code measured is the one there)."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()[-400:]}")
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(samples)


def environment(code: Path | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def ensure_demo(db: Path, code: Path | None = None) -> None:
    """The `make run` demo store, built by ``code`` (another checkout makes its own: its schema may be older)."""
    if db.exists():
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    print(f"building the demo store at {db} (as `make run` does)...", file=sys.stderr)
    subprocess.run([sys.executable, "-c", LAUNCH, "demo", "--db", str(db.resolve()), "--skus", "20000", "--days", "30",
                    "--seed", "1"], check=True, env=environment(code), cwd=code or ROOT, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEMO, help="The store for the report (default: var/demo.db).")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="Another checkout of pos_tui to compare with.")
    parser.add_argument("--till", action="store_true", help="Also time the till's start to the login box.")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    ensure_demo(args.db)
    baseline_db = args.db.with_name(args.db.stem + "-baseline.db")
    if args.baseline:
        ensure_demo(baseline_db, args.baseline)
    for tree in (ROOT / "pos_tui", *((args.baseline / "pos_tui",) if args.baseline else ())):
        compileall.compile_dir(tree, quiet=1)
    for packages in site.getsitepackages():  # the libraries too, as an installed till has them
        compileall.compile_dir(packages, quiet=1)

    python = sys.executable
    results: dict[str, float] = {}
    anchors = [("python -c pass", [python, "-c", "pass"]), ("python -c 'import sqlite3'",
                                                             [python, "-c", "import sqlite3"])]
    if shutil.which("hledger"):
        anchors.append(("hledger --version", ["hledger", "--version"]))
    for name, argv in anchors:
        results[name] = child_cpu(argv, environment(None), args.runs)
    sqlite_floor = results["python -c 'import sqlite3'"]

    header = f"{'command':<44} {'CPU s':>7} {'x sqlite3':>9} {'target':>12} {'met':>4}"
    print(header + ("  baseline  x base" if args.baseline else ""))
    for name, value in results.items():
        print(f"{name:<44} {value:7.3f} {value / sqlite_floor:9.1f}")
    for name, words, target, multiple in COMMANDS:
        def argv(db: Path, words: list[str] = words, root: Path = ROOT) -> list[str]:
            # Each checkout reads its own example config: an older one refuses sections added since.
            given = {"{db}": str(db.resolve()), "{config}": str(root / EXAMPLE_CONFIG.relative_to(ROOT))}
            return [python, "-c", LAUNCH, *(given.get(word, word) for word in words)]

        ours = child_cpu(argv(args.db), environment(None), args.runs)
        results[name] = ours
        wanted = "" if target is None else f"{target:.2f}" + (f" & {multiple:.0f}x" if multiple else "")
        met = "" if target is None else (
            "yes" if ours <= target and (multiple is None or ours <= multiple * sqlite_floor) else "no")
        line = f"{name:<44} {ours:7.3f} {ours / sqlite_floor:9.1f} {wanted:>12} {met:>4}"
        if args.baseline:
            before = child_cpu(argv(baseline_db, root=args.baseline), environment(args.baseline), args.runs,
                               cwd=args.baseline)
            results[f"{name} (baseline)"] = before
            line += f"  {before:8.3f} {before / ours:6.1f}x"
        print(line)
    if args.till:
        sys.path.insert(0, str(HERE))
        from bench_tui import pos_command_starts

        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        ours_till = pos_command_starts(args.db)
        results["till: spawn to login box, wall"], results["till: CPU"] = ours_till["median_s"], ours_till["cpu_s"]
        wall = f"{'till: spawn to login box (wall, median of 5)':<44} {ours_till['median_s']:7.3f}"
        cpu = f"{'till: CPU to the login box and stopping':<44} {ours_till['cpu_s']:7.3f}"
        if args.baseline:  # the same `pos` script, importing the other checkout first
            os.environ["PYTHONPATH"] = str(args.baseline)
            before = pos_command_starts(baseline_db)
            del os.environ["PYTHONPATH"]
            results["till (baseline)"], results["till CPU (baseline)"] = before["median_s"], before["cpu_s"]
            wall += f"{'':28}  {before['median_s']:8.3f} {before['median_s'] / ours_till['median_s']:6.1f}x"
            cpu += f"{'':28}  {before['cpu_s']:8.3f} {before['cpu_s'] / ours_till['cpu_s']:6.1f}x"
        print(wall)
        print(cpu)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
