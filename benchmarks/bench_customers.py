"""Customers' figures (issue 18): finding a customer by phone prefix among 1,000,000, and what attaching
a customer adds to a sale's commit.

    python benchmarks/bench_customers.py [--customers 1000000] [--lookups 2000] [--sales 400]

CPU seconds of this process (the box may be shared: wall time would measure the neighbours), each beside
its same-run baseline: the lookup beside a product barcode lookup (a primary-key read) on the same store,
and sales with a customer attached alternating with the same sales without one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from pos_tui.domain.cart import Cart
from pos_tui.domain.loyalty import card_number
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products
from pos_tui.services.customers import accounts
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from tests.conftest import MILK_BARCODE, TEA_BARCODE, ean13, make_store

TSHIRT_S_BARCODE, TSHIRT_M_BARCODE = ean13("590123400011"), ean13("590123400028")


def phone_of(n: int) -> str:
    return f"03{(n * 7_919) % 1_000_000_000:09d}"  # 11 digits, spread over the whole range


def fill(session: Session, count: int) -> None:
    """``count`` customers written straight into their tables (a million events would measure the journal,
    not the lookup): the rows `add_customer` writes, with a placeholder commitment."""
    prefix = session.settings.loyalty.card_prefix
    with session.ledger.write() as conn:
        start = conn.execute("SELECT COALESCE(MAX(customer_id), 0) + 1 FROM customers").fetchone()[0]
        for low in range(start, start + count, 50_000):
            ids = range(low, min(low + 50_000, start + count))
            conn.executemany("INSERT INTO customers (customer_id, card, commitment, added_seq, changed_seq)"
                             " VALUES (?, ?, '', 0, 0)", [(n, card_number(prefix, n)) for n in ids])
            conn.executemany(
                "INSERT INTO customer_people (customer_id, name, name_key, phone, email, email_ok, sms_ok, salt)"
                " VALUES (?, ?, ?, ?, '', 0, 0, '')",
                [(n, f"Customer {n}", f"customer {n}", phone_of(n)) for n in ids])
    session.ledger.conn.execute("ANALYZE")


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def cpu_each(calls: list[object]) -> list[float]:
    samples = []
    for call in calls:
        start = time.process_time()
        call()  # type: ignore[operator]
        samples.append(time.process_time() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--sales", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as folder:
        session = make_store(Path(folder) / "bench.db")
        session = session.as_user("admin")
        start = time.process_time()
        fill(session, args.customers)
        print(f"filled {args.customers:,} customers in {time.process_time() - start:.1f} s CPU")

        prefixes = [phone_of(rng.randint(1, args.customers))[:rng.randint(4, 8)] for _ in range(args.lookups)]
        finds = cpu_each([lambda p=p: accounts.find_customers(session, p) for p in prefixes])
        found = sum(len(accounts.find_customers(session, p)) for p in prefixes[:100])
        codes = [rng.choice((TEA_BARCODE, MILK_BARCODE)) for _ in range(args.lookups)]
        barcodes = cpu_each([lambda c=c: products.find_by_code(session, c) for c in codes])
        print(f"find by phone prefix (4-8 digits, up to 20 rows; {found / 100:.1f} rows on average):"
              f" p50 {statistics.median(finds) * 1000:.3f} ms, p99 {p99(finds) * 1000:.3f} ms CPU"
              f"  | baseline barcode lookup p50 {statistics.median(barcodes) * 1000:.3f} ms,"
              f" p99 {p99(barcodes) * 1000:.3f} ms")

        customer = accounts.add_customer(session, accounts.Person("Bench Customer", "0399 0000001")).customer_id
        two = [TEA_BARCODE, MILK_BARCODE]
        five = [TEA_BARCODE, MILK_BARCODE, "2*" + TEA_BARCODE, TSHIRT_S_BARCODE, TSHIRT_M_BARCODE]  # 5 lines
        for codes in (two, five):
            cart = Cart()
            for code in codes:
                cart = cart.add(products.resolve_scan(session, code))
            tenders = [Tender("card", 10_000), Tender("cash", 1_000_000)]
            plain: list[float] = []
            attached: list[float] = []
            for n in range(args.sales * 2):  # alternate, so both see the same file, cache and neighbours
                with_customer = n % 2 == 1
                start = time.process_time()
                sales.complete_sale(session, cart, tenders, customer_id=customer if with_customer else None)
                (attached if with_customer else plain).append(time.process_time() - start)
            base, cust = statistics.median(plain), statistics.median(attached)
            mean_base, mean_cust = statistics.mean(plain), statistics.mean(attached)
            print(f"sale commit, {len(codes)} lines, p50: {base * 1000:.3f} ms without a customer,"
                  f" {cust * 1000:.3f} ms with one attached (+{(cust / base - 1) * 100:.1f}%);"
                  f" means {mean_base * 1000:.3f} / {mean_cust * 1000:.3f} ms"
                  f" (+{(mean_cust / mean_base - 1) * 100:.1f}%)")
        session.close()


if __name__ == "__main__":
    main()
