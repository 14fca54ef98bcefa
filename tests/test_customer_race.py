"""Two tills spend the same balance at the same moment (two processes, one store file): exactly one sale
goes through; the other is refused with the balance the first left, and the books still agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.config import Settings
from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts, balances
from pos_tui.services.customers.accounts import Person
from pos_tui.services.selling import sales
from pos_tui.services.session import open_session

from .conftest import TEA_BARCODE, assert_verifies, make_store
from .test_loyalty import assert_liabilities_equal_balances

REDEEMER = Path(__file__).parent / "support" / "redeemer.py"


@pytest.mark.xdist_group("processes")
@pytest.mark.parametrize(("method", "amount"), [("points", 400), ("store-credit", 28_000)])
def test_two_tills_spending_one_balance_at_once_exactly_one_succeeds(store_path: Path, method: str,
                                                                     amount: int) -> None:
    session = make_store(store_path)
    customer = accounts.add_customer(session, Person("Ayesha Khan", "0300 1234567")).customer_id
    done = sales.complete_sale(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)),
                               [Tender("cash", 45_000)], customer_id=customer)
    sales.return_items(session, done.reference, [(1, 1000)], reason="damaged", refund_method="store-credit")
    # 450 points earned then taken back by the return; earn them again to hold 450 points and Rs 450 of credit.
    sales.complete_sale(session, Cart().add(products.resolve_scan(session, TEA_BARCODE)), [Tender("cash", 45_000)],
                        customer_id=customer)
    session.close()

    tills = [subprocess.Popen([sys.executable, str(REDEEMER), str(store_path), terminal, str(customer), method,
                               str(amount)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for terminal in ("T1", "T2")]
    for till in tills:
        assert till.stdout is not None and till.stdout.readline().strip() == "ready", till.stderr
    for till in tills:  # both were waiting: now both go
        assert till.stdin is not None
        till.stdin.write("go\n")
        till.stdin.flush()
    results = []
    for till in tills:
        out, err = till.communicate(timeout=120)
        assert till.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert sorted("sold" in r for r in results) == [False, True], results
    refused = next(r["refused"] for r in results if "refused" in r)
    left = "can spend 326 points" if method == "points" else "has Rs 170.00 of store credit"
    assert left in refused, refused

    reopened = open_session(Settings(), store_path)
    try:
        held = balances.balance(reopened, customer)
        assert (held.points, held.credit) == ((326, 45_000) if method == "points" else (450, 17_000))
        assert_liabilities_equal_balances(reopened)
    finally:
        reopened.close()
    assert_verifies(store_path)
