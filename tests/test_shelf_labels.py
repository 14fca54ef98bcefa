"""Price and shelf labels reach a real (fake) network printer on 127.0.0.1 over ESC/POS: name, price,
price per kg where the product is sold by weight, and its barcode; for one product, a category, or
every product whose price changed since a day; a printer fault keeps them queued, never lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pos_tui.cli.main import app
from pos_tui.services.catalog import labels, products
from pos_tui.services.inventory import lifecycle
from pos_tui.services.selling.printing import ReceiptPrinter
from pos_tui.services.session import Session
from tests.conftest import MILK, MILK_BARCODE, TEA_BARCODE, assert_verifies, make_store
from tests.devices.escpos_decoder import PrintedBarcode, PrintedLine, Printout
from tests.devices.fake_printer import fake_printer, free_port
from tests.test_printing import page_of, settings_of, write_config
from tests.test_stockroom_products import head


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def till(store_path: Path, config: Path) -> Iterator[Session]:
    """A stocked sample store whose settings print through a spool in tmp_path."""
    session = make_store(store_path, settings_of(config))
    yield session
    session.close()
    assert_verifies(store_path)


def pos(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def labels_on(page: Printout) -> list[list[object]]:
    """The printout cut into labels: the items between cuts."""
    found: list[list[object]] = [[]]
    for item in page.items:
        if item == "cut":
            found.append([])
        elif not (isinstance(item, PrintedLine) and not item.text.strip()):
            found[-1].append(item)
    return [label for label in found if label]


def words(label: list[object]) -> list[str]:
    return [item.text.strip() for item in label if isinstance(item, PrintedLine)]


def barcode(label: list[object]) -> bytes:
    [code] = [item for item in label if isinstance(item, PrintedBarcode)]
    return code.data.removeprefix(b"{B")


def test_a_products_label_prints_its_name_its_price_large_and_its_barcode(till: Session) -> None:
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        job = labels.print_labels(till, receipts, labels.products_to_label(till, code=TEA_BARCODE))
        assert receipts.wait_printed(job, 5)
        [printed] = printer.wait_for_jobs(1)
    [label] = labels_on(page_of(printed))
    assert words(label) == ["Tapal Danedar Tea 200g", "Rs 450.00", "TEA-200"]
    [price] = [item for item in label if isinstance(item, PrintedLine) and item.text.strip() == "Rs 450.00"]
    assert price.double_width and price.double_height
    assert barcode(label) == TEA_BARCODE.encode()


def test_goods_sold_by_weight_show_the_price_per_kg(till: Session) -> None:
    with fake_printer() as printer, ReceiptPrinter(till.settings, uri=printer.uri) as receipts:
        receipts.wait_printed(labels.print_labels(till, receipts, labels.products_to_label(till, code="RICE-KG")), 5)
        [printed] = printer.wait_for_jobs(1)
    [label] = labels_on(page_of(printed))
    assert words(label) == ["Basmati Rice", "Rs 320.00", "Rs 320.00 / kg", "RICE-KG"]
    assert barcode(label) == b"2112345"


def test_a_category_and_the_prices_changed_since_a_day_print_from_the_shell(
    till: Session, config: Path, store_path: Path
) -> None:
    products.change_price(till, MILK, 29_000, "new supplier price")
    day = till.ledger.conn.execute("SELECT day FROM journal ORDER BY seq DESC LIMIT 1").fetchone()[0]
    with fake_printer() as printer:
        shown = pos("product", "labels", "--category", "Clothing", "--printer", printer.uri, "--wait", "5",
                    "--db", str(store_path), "--config", str(config))
        assert shown.exit_code == 0, shown.output
        assert "2 labels: TS-M, TS-S" in shown.output
        changed = pos("product", "labels", "--changed-since", day, "--printer", printer.uri, "--wait", "5",
                      "--db", str(store_path), "--config", str(config))
        assert changed.exit_code == 0, changed.output
        clothes, milk = printer.wait_for_jobs(2)
    assert [words(label)[:2] for label in labels_on(page_of(clothes))] == [
        ["T-Shirt (M)", "Rs 1,500.00"], ["T-Shirt (S)", "Rs 1,500.00"]]
    [label] = labels_on(page_of(milk))
    assert words(label)[:2] == ["Olpers Milk 1L", "Rs 290.00"] and barcode(label) == MILK_BARCODE.encode()
    later = pos("product", "labels", "--changed-since", "2999-01-01", "--printer", "none",
                "--db", str(store_path), "--config", str(config))
    assert later.exit_code == 0 and "No price has changed since 2999-01-01" in later.output


def test_labels_wait_in_the_queue_while_the_printer_is_off_and_print_once_when_it_is_on(till: Session) -> None:
    port = free_port()
    receipts = ReceiptPrinter(till.settings, uri=f"tcp://127.0.0.1:{port}?timeout=0.3")
    receipts.start()
    try:
        job = labels.print_labels(till, receipts, labels.products_to_label(till, category="Tea"))
        assert not receipts.wait_printed(job, 0.5)
        status = receipts.status()
        assert status.state == "retrying" and status.pending == 1
        with fake_printer(port) as printer:
            assert receipts.wait_printed(job, 5)
            [printed] = printer.wait_for_jobs(1)
    finally:
        receipts.close()
    assert words(labels_on(page_of(printed))[0])[0] == "Tapal Danedar Tea 200g"


def test_labels_refused_in_a_sentence_change_nothing(till: Session, config: Path, store_path: Path) -> None:
    lifecycle.retire_product(till, "TS-S")
    before = head(store_path)
    for args, sentence in (
        ((), "Say which labels to print"),
        (("--barcode", TEA_BARCODE, "--category", "Tea"), "Give exactly one of"),
        (("--changed-since", "yesterday"), "'yesterday' is not a day"),
        (("--barcode", "TS-S"), "is retired and cannot be labelled"),
        (("--category", "Toys"), "No product on sale has the category 'Toys'"),
    ):
        refused = pos("product", "labels", *args, "--db", str(store_path), "--config", str(config))
        assert refused.exit_code != 0, args
        assert sentence in refused.output, (args, refused.output)
        assert "Traceback" not in refused.output
    assert head(store_path) == before
    shown = pos("product", "labels", "--barcode", "RICE-KG", "--printer", "none", "--db", str(store_path),
                "--config", str(config))  # no printer: the labels are shown, as `pos reprint` shows a receipt
    assert shown.exit_code == 0 and "Rs 320.00 / kg" in shown.output and "1 label: RICE-KG" in shown.output


def test_goods_sold_by_the_gram_quote_their_price_per_kg_and_by_the_piece_none(till: Session) -> None:
    lifecycle.add_product(till, lifecycle.details_from_fields(till, {
        "sku": "SAFFRON", "name": "Saffron", "price": "12.50", "unit": "g", "tax_class": "std", "category": "Spices"}))
    product = products.show_product(till, "SAFFRON")
    saffron = labels.label_data(till, product)
    [(in_store, _)] = products.product_barcodes(till, product.product_id)  # made for it, with a check digit
    assert (saffron.price, saffron.per_unit, saffron.code) == ("Rs 12.50", "Rs 12,500.00 / kg", in_store)
    assert labels.label_data(till, products.show_product(till, TEA_BARCODE)).per_unit == ""
