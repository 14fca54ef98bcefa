"""The newcomer's demo chain (`pos hq demo`): real PostgreSQL, NATS, head office and three demo stores
with history, syncing. Head office's consolidated sales equal the sum of the stores' own reports, and
hledger over the stores' own exports agrees with head office to the paisa."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.services.chain import local_servers
from pos_tui.services.demo import chain
from pos_tui.services.reports import registry
from pos_tui.services.reports.model import ReportQuery
from pos_tui.services.session import open_session
from tests.chain.conftest import POS, PROCESS_DEADLINE_S, _read_line, pos
from tests.support.chain_servers import require_nats, require_postgres
from tests.support.tools import require_tool

MEASURES = ("sales", "takings", "returns", "net", "tax", "cost", "margin")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[chain.DemoChain]:
    require_postgres()  # PostgreSQL and NATS are here, or the CI failure / the local skip
    require_nats()
    directory = tmp_path_factory.mktemp("demo") / "chain"
    with chain.demo_chain(Settings(), directory, skus=60, days=7, sales_per_day=40) as running:
        yield running


def head_office_rows(demo: chain.DemoChain) -> list[dict[str, object]]:
    done = pos("hq", "report", "sales-by-day", "--format", "json", env={"POS_HQ_PG": demo.pg_url})
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


def totals(rows: list[dict[str, object]]) -> dict[str, int]:
    return {m: sum(int(row[m]) for row in rows) for m in MEASURES}  # type: ignore[call-overload]


def own_totals(store: chain.DemoStore, first: str, last: str) -> dict[str, int]:
    session = open_session(Settings(), store.db, username="system", read_only=True)
    try:
        own = registry.run_report(session, "sales-by-day", ReportQuery(first, last))
    finally:
        session.close()
    keys = [column.key for column in own.columns]
    return totals([dict(zip(keys, row, strict=True)) for row in own.rows])


def test_the_demo_chain_syncs_three_stores_and_head_office_sums_their_own_reports(demo: chain.DemoChain) -> None:
    assert len(demo.stores) == 3 and demo.dead() == []
    assert all(chain.acked_seq(store.db) == store.head_seq for store in demo.stores)
    rows = head_office_rows(demo)
    days = sorted({str(row["day"]) for row in rows})
    overall = dict.fromkeys(MEASURES, 0)
    for store in demo.stores:
        at_head_office = totals([row for row in rows if row["store"] == store.store_id])
        own = own_totals(store, days[0], days[-1])
        assert at_head_office == own
        assert own["sales"] > 0
        overall = {m: overall[m] + own[m] for m in MEASURES}
    assert totals(rows) == overall
    assert overall["returns"] > 0  # history with returns and voids, not only sales


def _minor(text: str) -> int:
    return int(Decimal(text.split()[0]) * 100)  # the oracle's own parse of hledger's output; exponent 2


def hledger_totals(hledger: str, journals: list[Path]) -> dict[str, int]:
    """net, tax, cost, margin and takings less returns, from hledger's own balances of the exports."""
    files = [arg for journal in journals for arg in ("-f", str(journal))]
    output = subprocess.run([hledger, *files, "bal", "--flat", "-N", "-O", "csv", "income:sales",
                             "liabilities:tax", "expenses:cogs"], check=True, capture_output=True, text=True).stdout
    balances = {row[0]: _minor(row[1]) for row in list(csv.reader(io.StringIO(output)))[1:]}
    net = -balances.get("income:sales", 0)
    tax = -sum(amount for account, amount in balances.items() if account.startswith("liabilities:tax:"))
    cost = balances.get("expenses:cogs", 0)
    return {"net": net, "tax": tax, "cost": cost, "margin": net - cost, "paid in less refunded": net + tax}


def as_hledger_sees(measures: dict[str, int]) -> dict[str, int]:
    return {"net": measures["net"], "tax": measures["tax"], "cost": measures["cost"], "margin": measures["margin"],
            "paid in less refunded": measures["takings"] - measures["returns"]}


def test_hledger_over_the_stores_exports_agrees_with_head_office_per_store_and_overall(
        demo: chain.DemoChain, tmp_path: Path) -> None:
    hledger = require_tool("hledger")
    rows = head_office_rows(demo)
    journals = []
    for store in demo.stores:
        journal = tmp_path / f"store-{store.number}.journal"
        done = pos("export", "journal", "--format", "hledger", "--db", str(store.db), "--out", str(journal))
        assert done.returncode == 0, done.stderr
        journals.append(journal)
        at_head_office = totals([row for row in rows if row["store"] == store.store_id])
        assert hledger_totals(hledger, [journal]) == as_hledger_sees(at_head_office)
    assert hledger_totals(hledger, journals) == as_hledger_sees(totals(rows))


def test_pos_hq_demo_runs_until_sigterm_then_leaves_no_process_and_no_server(tmp_path: Path) -> None:
    require_postgres()
    require_nats()
    demo = subprocess.Popen([POS, "hq", "demo", "--dir", str(tmp_path / "chain"), "--skus", "20", "--days", "1",
                             "--sales-per-day", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said: list[str] = []
    try:
        while not said or "Press Ctrl+C" not in said[-1]:
            line = _read_line(demo.stdout, PROCESS_DEADLINE_S)
            assert line, f"pos hq demo said {said} and stopped: {demo.stderr.read() if demo.poll() is not None else ''}"
            said.append(line)
        text = "".join(said)
        assert "head office holds every store's journal" in text
        assert f"pos --db {tmp_path / 'chain' / 'store-2.db'}" in text and "pos hq report sales-by-day" in text
        pids = [int(line.split("(pid ")[1].split(")")[0]) for line in said if "(pid " in line]
        ports = [int(line.rsplit(":", 1)[1].split("/")[0]) for line in said
                 if line.startswith(("PostgreSQL", "NATS")) and "127.0.0.1:" in line]
        assert len(pids) == 4 and len(ports) == 2
        demo.send_signal(signal.SIGTERM)
        _, err = demo.communicate(timeout=120)
    finally:
        if demo.poll() is None:  # a failed assertion above: still stop the chain in order
            demo.terminate()
            try:
                demo.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.communicate()
    assert demo.returncode == 0 and "every process of the demo chain has ended" in err
    for pid in pids:  # every child has ended (a pid reused since by another program does not count)
        assert not Path(f"/proc/{pid}/cmdline").exists() or b"pos" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    for port in ports:  # PostgreSQL and NATS are stopped too
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    again = subprocess.run([POS, "hq", "demo", "--dir", str(tmp_path / "chain"), "--once"], capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 1 and "already exists and is not empty" in again.stderr
    assert "Traceback" not in again.stderr


def test_without_postgresql_the_demo_says_exactly_how_to_install_it_and_builds_nothing(tmp_path: Path) -> None:
    nowhere = tmp_path / "no-postgresql"
    nowhere.mkdir()
    done = subprocess.run([POS, "hq", "demo", "--dir", str(tmp_path / "chain"), "--once"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, local_servers.POSTGRES_BIN_ENV: str(nowhere)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    said = " ".join(done.stderr.split())
    assert "PostgreSQL is not installed" in said and "sudo apt-get install postgresql" in said
    assert "dnf install postgresql-server" in said and "brew install postgresql" in said
    assert not (tmp_path / "chain").exists()
