"""Scenario 10 with real processes: random interleavings of sales, partitions (blackhole, reset, a lost
reply, a slow line) and `kill -9` of `pos sync` and of `pos hq serve`, across three tills. At rest head
office holds the union of the tills' journals, each entry once and with the till's hash; every store's
trial balance is 0 there and equal, account by account, to the till's own; and head office's stock of
each store is the sum of that store's movements and equals the till's stock.

The schedules are drawn from a seeded generator (printed on failure), not hypothesis: each step drives
real servers, so a few long schedules find more than many short ones."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from pos_tui.services.session import Session
from tests.chain.conftest import HeadOffice, sell
from tests.chain.helpers import acked_seq, wait_for
from tests.conftest import MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.support.chain_servers import BLACKHOLE, DELAY, DROP_REPLY, PASS, RESET, NatsServer, TcpProxy

TILLS = 3
STEPS = 30
CUTS = (BLACKHOLE, RESET, DROP_REPLY, DELAY)


class Chain:
    """Three tills, each with its own line to NATS and its own `pos sync`, and head office serving."""

    def __init__(self, hq: HeadOffice, nats: NatsServer, tmp_path: Path) -> None:
        self.hq = hq
        self.dbs = [tmp_path / f"till{n}.db" for n in range(TILLS)]
        self.tills: list[Session] = [make_store(db) for db in self.dbs]
        self.ids = [hq.add_store(till) for till in self.tills]
        self.lines = [TcpProxy(nats.port) for _ in range(TILLS)]
        self.server = hq.serve()
        self.workers = [self._start(n, 20) for n in range(TILLS)]

    def _start(self, n: int, batch: int) -> subprocess.Popen[str]:
        return self.hq.start_sync(self.dbs[n], self.lines[n].url, "--ack-timeout", "1", "--batch", str(batch))

    def kill_sync(self, n: int, batch: int) -> None:
        os.kill(self.workers[n].pid, signal.SIGKILL)
        self.workers[n].communicate(timeout=60)
        self.workers[n] = self._start(n, batch)

    def kill_head_office(self) -> None:
        os.kill(self.server.pid, signal.SIGKILL)
        self.server.communicate(timeout=60)
        self.server = self.hq.serve()

    def caught_up(self, n: int) -> None:
        head = self.tills[n].ledger.head().seq
        wait_for(f"till {n} acknowledged up to {head}", lambda: acked_seq(self.dbs[n]) >= head)

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
            worker.communicate(timeout=60)
        for line in self.lines:
            line.close()
        for till in self.tills:
            till.close()


def run_schedule(chain: Chain, rng: random.Random, log: list[str]) -> None:
    modes = [PASS] * TILLS
    for _ in range(STEPS):
        n = rng.randrange(TILLS)
        action = rng.choices(["sell", "cut", "heal", "kill sync", "kill head office", "settle"],
                             weights=[8, 2, 2, 1, 1, 2])[0]
        log.append(f"{action} {n}")
        if action == "sell":
            scan = rng.choice([MILK_BARCODE, f"{rng.randint(1, 4)}*{TEA_BARCODE}"])
            sell(chain.tills[n], scan, 500_000)
        elif action == "cut":
            modes[n] = rng.choice(CUTS)
            chain.lines[n].set_mode(modes[n], delay_s=0.2)
            log[-1] += f" ({modes[n]})"
        elif action == "heal":
            modes[n] = PASS
            chain.lines[n].set_mode(PASS)
        elif action == "kill sync":
            chain.kill_sync(n, rng.choice([1, 7, 50]))
        elif action == "kill head office":
            chain.kill_head_office()
        elif modes[n] == PASS:  # settle: let a till whose line passes catch up before the next step
            chain.caught_up(n)


def assert_at_rest(chain: Chain) -> None:
    for n, (till, store) in enumerate(zip(chain.tills, chain.ids, strict=True)):
        head = till.ledger.head().seq
        held = chain.hq.query("SELECT seq, hash FROM hq_events WHERE store = %s ORDER BY seq", store)
        journal = till.ledger.conn.execute("SELECT seq, hash FROM journal ORDER BY seq").fetchall()
        assert held == [tuple(row) for row in journal] and len(held) == head, f"till {n}'s journal at head office"
        assert chain.hq.query("SELECT seq FROM hq_heads WHERE store = %s", store) == [(head,)]

        at_office: dict[str, int] = defaultdict(int)
        for (postings,) in chain.hq.query("SELECT postings FROM hq_events WHERE store = %s", store):
            for account, amount in json.loads(postings):
                at_office[account] += amount
        at_till = dict(till.ledger.conn.execute("SELECT account, SUM(amount) FROM postings GROUP BY account"))
        assert sum(at_office.values()) == 0, f"till {n}'s trial balance at head office"
        assert {a: v for a, v in at_office.items() if v} == {a: v for a, v in at_till.items() if v}

        stock = dict(chain.hq.query("SELECT product_id, on_hand FROM hq_stock WHERE store = %s", store))
        moved = dict(chain.hq.query("SELECT product_id, sum(quantity) FROM hq_stock_movements WHERE store = %s"
                                    " GROUP BY product_id", store))
        assert stock == moved == dict(till.ledger.conn.execute("SELECT product_id, on_hand FROM stock"))
        sales = till.ledger.conn.execute("SELECT COUNT(*) FROM journal WHERE kind = 'sale.completed'").fetchone()[0]
        assert chain.hq.query("SELECT coalesce(sum(sales), 0) FROM hq_sales_days WHERE store = %s", store) == [
            (sales,)]


@pytest.mark.parametrize("seed", [7, 20261207])
def test_random_sales_partitions_and_crashes_across_three_tills_end_with_each_journal_once(
        hq: HeadOffice, nats: NatsServer, tmp_path: Path, seed: int) -> None:
    chain = Chain(hq, nats, tmp_path)
    log: list[str] = []
    try:
        try:
            run_schedule(chain, random.Random(seed), log)
            for n in range(TILLS):  # at rest: every line passes, every worker runs, every till catches up
                chain.lines[n].set_mode(PASS)
            for n in range(TILLS):
                chain.caught_up(n)
            assert_at_rest(chain)
        except AssertionError as failed:
            raise AssertionError(f"schedule (seed {seed}): {'; '.join(log)}: {failed}") from failed
    finally:
        chain.close()
    for db in chain.dbs:
        assert_verifies(db)
