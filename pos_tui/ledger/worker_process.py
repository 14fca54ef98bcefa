"""A piece of ``pos db verify`` in a process of its own.

``python -m pos_tui.ledger.worker_process MODULE ARGS...`` calls ``MODULE.worker_main(ARGS)`` and
prints what it returns as JSON. A plain process, so it never depends on how the caller's program was
started (multiprocessing's spawn re-imports the caller's main module; fork would copy open
connections). Work beside verify's replay goes in a process rather than a thread even when it is
SQL alone: a thread stepping SQLite statements slowed the replay by a third (measured on the
1M-SKU store), a process not at all. Workers run at a lower priority, so that when there are more
of them than free cores it is they that wait, not the replay everything else waits for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

from pos_tui.domain.errors import LedgerError


class WorkerProcess:
    """``module.worker_main(args)`` in a process started at once; ``result()`` waits for what it returned."""

    def __init__(self, module: str, *args: str, what: str) -> None:
        self._what = what
        env = dict(os.environ)
        # The same pos_tui as this process, however it was found (a checkout, an installed wheel).
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, module, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )

    def result(self) -> Any:
        out, err = self._process.communicate()
        if self._process.returncode != 0:
            raise LedgerError(
                f"The {self._what} process failed: {err.decode(errors='replace').strip()[-500:]}",
                "Run `pos db verify` again; if it fails the same way, report it with this message.",
            )
        return json.loads(out)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.communicate()


# Below the replay's priority, not so far below that another program's work starves it.
WORKER_NICENESS = 5


def _main(argv: list[str]) -> None:
    os.nice(WORKER_NICENESS)
    json.dump(import_module(argv[0]).worker_main(argv[1:]), sys.stdout)


if __name__ == "__main__":
    _main(sys.argv[1:])
