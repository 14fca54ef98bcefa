"""Catalogue CSV: a shop's spreadsheet in, the catalogue out, and every bad row named by its line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pos_tui.cli.catalog_cmd import catalog_app
from pos_tui.config import load_settings
from pos_tui.domain.barcode import gtin_check_digit
from pos_tui.domain.errors import InvalidInput
from pos_tui.domain.permissions import Action, PermissionRequired
from pos_tui.services.catalog import products
from pos_tui.services.catalog.csv_file import (
    RowsRejected,
    check_catalog_file,
    export_catalog,
    import_catalog,
)
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import MILK, MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, ean13, make_store

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "catalog.example.csv"
HEADER = "sku,name,barcodes,category,price,cost,tax_class,unit,reorder_level,vendor,group,variant"
NEW_CODE = ean13("896100100099")


def write_csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def journal(session: Session, after: int = 0) -> list[tuple[str, dict[str, object]]]:
    rows = session.ledger.conn.execute("SELECT kind, payload FROM journal WHERE seq > ? ORDER BY seq", (after,))
    return [(kind, json.loads(payload)) for kind, payload in rows]


def head(session: Session) -> int:
    return int(session.ledger.conn.execute("SELECT MAX(seq) FROM journal").fetchone()[0])


def exported(session: Session) -> str:
    out = io.StringIO()
    export_catalog(session, out)
    return out.getvalue()


def rejected(session: Session, path: Path) -> list[str]:
    with pytest.raises(RowsRejected) as caught:
        import_catalog(session, path)
    return [str(problem) for problem in caught.value.problems]


# --- the happy paths ----------------------------------------------------------------------------


def test_example_file_adds_every_product_with_its_barcodes_and_pack_sizes(store: Session) -> None:
    summary = import_catalog(store, EXAMPLE)

    assert (summary.added, summary.changed, summary.repriced, summary.skipped) == (6, 0, 0, 0)
    sugar, per_scan = products.find_by_code(store, "18961001000019")  # type: ignore[misc]
    assert (sugar.sku, sugar.price, sugar.cost, per_scan) == ("SUGAR-1KG", 125_000, 110_000, 10_000)
    daal, _ = products.find_by_code(store, "2112346")  # type: ignore[misc]
    assert (daal.unit, daal.reorder_level, daal.tax_class) == ("kg", 5_500, "exempt")
    socks = products.variants_of(store, "Cotton Socks")
    assert [p.variant for p in socks] == ["Black L", "Black M"]


def test_export_then_import_changes_nothing(store: Session, tmp_path: Path) -> None:
    import_catalog(store, EXAMPLE)
    path = tmp_path / "catalog.csv"
    path.write_bytes(exported(store).encode())
    before = head(store)

    summary = import_catalog(store, path)

    assert (summary.rows, summary.unchanged, summary.added, summary.changed, summary.repriced) == (11, 11, 0, 0, 0)
    assert head(store) == before
    assert exported(store).encode() == path.read_bytes()


def test_export_streams_every_product_in_small_batches(store: Session) -> None:
    import_catalog(store, EXAMPLE)
    out = io.StringIO()

    count = export_catalog(store, out, batch=2)

    lines = out.getvalue().splitlines()
    assert count == 11 and len(lines) == 12 and lines[0] == HEADER
    assert lines[1].startswith("TEA-200,Tapal Danedar Tea 200g,") and lines[-1].startswith("SOCKS-BLK-L,")


def test_price_change_by_import_is_a_price_changed_event(store: Session, tmp_path: Path) -> None:
    row = f'MILK-1L,Olpers Milk 1L,{MILK_BARCODE},Dairy,"1,290.00",240,reduced,each,20,Engro,,'
    path = write_csv(tmp_path / "prices.csv", row)
    before = head(store)

    summary = import_catalog(store, path)

    assert (summary.repriced, summary.changed) == (1, 0)
    [(kind, payload)] = journal(store, before)
    assert kind == "price.changed"
    assert payload == {"product_id": MILK, "sku": "MILK-1L", "old_price": 28_000, "new_price": 129_000,
                       "reason": "import prices.csv"}
    assert products.get_product(store, MILK).price == 129_000


def test_name_and_price_change_are_two_events_for_one_row(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", f"MILK-1L,Olpers Full Cream 1L,{MILK_BARCODE},Dairy,300,240,reduced,each,20,"
                                         "Engro,,")
    before = head(store)

    summary = import_catalog(store, path)

    assert (summary.changed, summary.repriced, summary.rows) == (1, 1, 1)
    assert [kind for kind, _ in journal(store, before)] == ["product.changed", "price.changed"]
    assert products.get_product(store, MILK).display_name == "Olpers Full Cream 1L"


def test_a_price_only_file_leaves_the_other_columns_as_they_are(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "prices.csv", "TEA-200,460", "MILK-1L,280", header="SKU,Price")

    summary = import_catalog(store, path)

    assert (summary.repriced, summary.unchanged, summary.changed) == (1, 1, 0)
    tea = products.get_product(store, TEA)
    assert (tea.price, tea.name, tea.cost, tea.category) == (46_000, "Tapal Danedar Tea 200g", 37_000, "Tea")
    assert len(products.product_barcodes(store, TEA)) == 2


def test_new_product_needs_a_name_price_and_tax_class(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "prices.csv", "TEA-200,460", "NEW-1,99", header="sku,price")

    problems = rejected(store, path)

    assert problems == [
        "line 3: name is needed for a new product and the file has no name column",
        "line 3: tax_class is needed for a new product and the file has no tax_class column",
    ]


def test_upc_a_codes_are_stored_as_the_scanners_thirteen_digit_key(store: Session, tmp_path: Path) -> None:
    upc_a = "03600029145" + str(gtin_check_digit("03600029145"))  # 12 digits; EAN-13 scanners send "0" + it
    path = write_csv(tmp_path / "c.csv", f"NEW-1,Imported soap,{upc_a}|2154321,Soap,99,50,std,each,0,,,")

    import_catalog(store, path)

    product = products.show_product(store, "NEW-1")
    assert [code for code, _ in products.product_barcodes(store, product.product_id)] == ["0" + upc_a, "2154321"]
    assert products.show_product(store, upc_a).sku == "NEW-1"


def test_a_barcode_moves_to_a_new_product_when_its_old_row_lets_it_go(store: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        f"MILK-2L,Olpers Milk 2L,{MILK_BARCODE},Dairy,520,450,reduced,each,0,Engro,,",
        f"MILK-1L,Olpers Milk 1L,{NEW_CODE},Dairy,280,240,reduced,each,20,Engro,,",
    )

    summary = import_catalog(store, path)

    assert (summary.added, summary.changed) == (1, 1)
    assert products.show_product(store, MILK_BARCODE).sku == "MILK-2L"
    assert products.show_product(store, NEW_CODE).sku == "MILK-1L"


def test_semicolon_file_from_a_comma_decimal_spreadsheet_imports(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "NEW-1;Rusk;Bakery;120;std", header="sku;name;category;price;tax class")

    assert import_catalog(store, path).added == 1


def test_dry_run_counts_the_changes_and_saves_nothing(store: Session, tmp_path: Path) -> None:
    before = head(store)

    summary = import_catalog(store, EXAMPLE, dry_run=True)

    assert (summary.added, summary.dry_run) == (6, True)
    assert head(store) == before
    assert products.find_by_code(store, "SUGAR-1KG") is None


# --- bad rows -----------------------------------------------------------------------------------


def test_file_with_one_bad_row_imports_nothing_and_names_the_line(store: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        "NEW-1,Rusk,,Bakery,120,90,std,each,0,,,",
        "NEW-2,Bun,,Bakery,abc,90,std,each,0,,,",
        "MILK-1L,Olpers Milk 1L,,Dairy,999,240,reduced,each,20,Engro,,",
    )
    before = head(store)

    with pytest.raises(RowsRejected) as caught:
        import_catalog(store, path)

    assert "1 of 3 rows in c.csv have problems; nothing was imported" in str(caught.value)
    assert [str(p) for p in caught.value.problems] == [
        "line 3: price: 'abc' is not an amount. Type digits with an optional decimal point, e.g. 1250 or 1,250.50."
    ]
    assert head(store) == before


def test_skip_bad_imports_the_good_rows_and_lists_the_skipped(store: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        "NEW-1,Rusk,,Bakery,120,90,std,each,0,,,",
        "NEW-2,Bun,,Bakery,abc,90,std,each,0,,,",
        "MILK-1L,Olpers Milk 1L,,Dairy,999,240,reduced,each,20,Engro,,",
    )

    summary = import_catalog(store, path, skip_bad=True)

    assert (summary.added, summary.changed, summary.repriced, summary.skipped) == (1, 1, 1, 1)
    assert [p.line for p in summary.problems] == [3]
    assert products.find_by_code(store, "NEW-2") is None
    assert products.get_product(store, MILK).price == 99_900


def test_every_problem_of_a_row_is_reported(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "NEW-1,,4006381333932,Misc,1.234,-5,vat,box,-1,,,")

    problems = rejected(store, path)

    assert problems == [
        "line 2: the name is missing",
        "line 2: barcodes: Check digit of 4006381333932 should be 1, not 2.",
        "line 2: price: '1.234' has 3 decimals; this currency has 2. Round the amount to the smallest coin and"
        " type it again.",
        "line 2: cost: '-5' is negative. Amounts here must be zero or more.",
        "line 2: tax_class: 'vat' is not one of: exempt, reduced, std.",
        "line 2: unit: 'box' is not one of: each, kg, g, l, m.",
        "line 2: reorder_level: '-1' is negative; a reorder level is zero or more.",
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("NEW-1,Rusk,,Bakery,120,90,std", "is short: it has 7 fields where the header has 12"),
        ("NEW-1", "is short: it has 1 field where the header has 12"),
        ("NEW-1,Rusk,,Bakery,120,90,std,each,0,,,,Tea 200g", "needs quotes"),
        (",Rusk,,Bakery,120,90,std,each,0,,,", "the sku is missing"),
        ("NEW-1,Rusk,,Bakery,,90,std,each,0,,,", "the price is missing"),
        ("NEW-1,Rusk,,Bakery,12O,90,std,each,0,,,", "'12O' is not an amount"),
        ("NEW-1,Rusk,,Bakery,120,90,,each,0,,,", "the tax class is missing"),
        ("NEW-1,Rusk,4.00638E+12,Bakery,120,90,std,each,0,,,", "the spreadsheet turned into a number"),
        ("NEW-1,Rusk,12345,Bakery,120,90,std,each,0,,,", "has 5 digits; a product barcode has 8, 12, 13 or 14"),
        (f"NEW-1,Rusk,{NEW_CODE}*0,Bakery,120,90,std,each,0,,,", "pack size"),
        (f"NEW-1,Rusk,{NEW_CODE}|{NEW_CODE},Bakery,120,90,std,each,0,,,", "is listed twice"),
        (f"NEW-1,Rusk,{TEA_BARCODE},Bakery,120,90,std,each,0,,,", "belongs to product 'TEA-200'"),
    ],
)
def test_a_broken_row_is_refused_with_its_reason(store: Session, tmp_path: Path, row: str, reason: str) -> None:
    [problem] = rejected(store, write_csv(tmp_path / "c.csv", row))

    assert problem.startswith("line 2: ") and reason in problem


def test_a_barcode_on_two_rows_names_both_lines(store: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        f"NEW-1,Rusk,{NEW_CODE},Bakery,120,90,std,each,0,,,",
        "NEW-2,Bun,,Bakery,50,30,std,each,0,,,",
        f"NEW-3,Cake,{NEW_CODE}*6,Bakery,900,600,std,each,0,,,",
    )

    assert rejected(store, path) == [f"line 2: barcode {NEW_CODE} is also on line 4",
                                     f"line 4: barcode {NEW_CODE} is also on line 2"]


def test_a_sku_twice_in_the_file_names_both_lines(store: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "NEW-1,Rusk,,Bakery,120,90,std,each,0,,,",
                     "NEW-1,Rusk large,,Bakery,220,190,std,each,0,,,")

    assert rejected(store, path) == ["line 2: SKU 'NEW-1' is also on line 3", "line 3: SKU 'NEW-1' is also on line 2"]


def test_a_barcode_stays_put_when_its_old_owners_row_is_skipped(store: Session, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        f"MILK-2L,Olpers Milk 2L,{MILK_BARCODE},Dairy,520,450,reduced,each,0,Engro,,",
        "MILK-1L,Olpers Milk 1L,,Dairy,lots,240,reduced,each,20,Engro,,",
    )

    summary = import_catalog(store, path, skip_bad=True)

    assert summary.skipped == 2 and summary.added == 0
    assert "stays with 'MILK-1L', whose row on line 3 cannot be imported" in str(summary.problems[0])
    assert products.show_product(store, MILK_BARCODE).sku == "MILK-1L"


# --- bad files ----------------------------------------------------------------------------------


def test_a_cashier_may_not_import_and_nothing_changes(store: Session, tmp_path: Path) -> None:
    add_user(store, "ayesha", "1111", role="cashier")
    before = head(store)
    with pytest.raises(PermissionRequired, match="ayesha"):
        import_catalog(store.as_user("ayesha"), EXAMPLE)
    assert head(store) == before


def test_a_buyer_without_price_change_adds_products_but_a_repricing_file_imports_nothing(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[staff.roles.buyer]\nextends = "supervisor"\nactions = ["product_edit"]\n', encoding="utf-8")
    store = make_store(tmp_path / "store.db", load_settings(config))
    add_user(store, "bilal", "222222", role="buyer")
    buyer = store.as_user("bilal")
    new_row = f"CHAI-1,Karak Chai,{NEW_CODE},Tea,250.00,150.00,std,each,5,Tapal,,"
    before = head(store)
    summary = import_catalog(buyer, write_csv(tmp_path / "new.csv", new_row))
    assert summary.added == 1
    [(kind, payload)] = journal(store, before)
    assert kind == "product.added" and "approvals" not in payload  # the buyer may add products alone
    before = head(store)
    repriced = write_csv(tmp_path / "repriced.csv", new_row.replace("250.00", "260.00"),
                         "CHAI-2,Doodh Patti,,Tea,200.00,120.00,std,each,5,Tapal,,")
    with pytest.raises(PermissionRequired) as refused:
        import_catalog(buyer, repriced)
    assert refused.value.action == Action.PRICE_CHANGE
    assert head(store) == before
    store.close()
    assert_verifies(tmp_path / "store.db")


def test_latin1_file_is_refused_with_save_as_csv_utf8(store: Session, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(f"{HEADER}\nNEW-1,Café,,Bakery,120,90,std,each,0,,,\n".encode("latin-1"))

    with pytest.raises(InvalidInput) as caught:
        import_catalog(store, path)

    assert "c.csv line 2 is not UTF-8 text (byte 0xe9)" in str(caught.value)
    assert 'Save it from your spreadsheet as "CSV UTF-8' in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_file_is_refused_with_save_as_csv_utf8(store: Session, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(f"{HEADER}\nNEW-1,Rusk,,Bakery,120,90,std,each,0,,,\n".encode(encoding))

    with pytest.raises(InvalidInput, match="CSV UTF-8"):
        import_catalog(store, path)


def test_utf8_with_bom_and_urdu_names_imports(store: Session, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(f"{HEADER}\r\nNEW-1,چائے,,Tea,120,90,std,each,0,,,\r\n".encode("utf-8-sig"))

    import_catalog(store, path)

    assert products.show_product(store, "NEW-1").name == "چائے"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "has no header row"),
        ("name,price\nRusk,120\n", "has no sku column"),
        ("sku,name,colour\nNEW-1,Rusk,red\n", "unknown column 'colour'"),
        ("sku,name,Name\nNEW-1,Rusk,Rusk\n", "column 'name' appears twice"),
    ],
)
def test_a_file_without_a_usable_header_is_refused(store: Session, tmp_path: Path, content: str,
                                                    message: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InvalidInput, match=message):
        check_catalog_file(store, path)


# --- the commands -------------------------------------------------------------------------------


def run(store_path: Path, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    app = typer.Typer()
    app.add_typer(catalog_app, name="catalog")
    config = tmp_path / "pos.toml"
    config.touch()
    result = CliRunner().invoke(app, ["catalog", *args, "--db", str(store_path), "--config", str(config)])
    return result.exit_code, result.stdout, result.stderr


def test_pos_catalog_import_prints_what_it_did(store: Session, store_path: Path, tmp_path: Path) -> None:
    code, out, _ = run(store_path, tmp_path, "import", str(EXAMPLE), "--user", "admin")

    assert code == 0
    assert out.strip() == ("Imported catalog.example.csv: 6 added, 0 changed, 0 repriced, 0 unchanged, "
                           "0 skipped.")
    assert store.ledger.conn.execute("SELECT user FROM journal ORDER BY seq DESC LIMIT 1").fetchone() == ("admin",)


def test_pos_catalog_import_with_bad_rows_lists_them_and_exits_1(store_path: Path, tmp_path: Path,
                                                                  store: Session) -> None:
    path = write_csv(tmp_path / "c.csv", "NEW-1,Rusk,,Bakery,120,90,std,each,0,,,", "NEW-2,Bun,,Bakery,-3,2,std,,,,,")

    code, out, err = run(store_path, tmp_path, "import", str(path), "--user", "admin")

    assert code == 1 and out == ""
    assert err.splitlines() == [
        "line 3: price: '-3' is negative. Amounts here must be zero or more.",
        "1 of 2 rows in c.csv have problems; nothing was imported. Fix those lines and import again, or skip them"
        " with --skip-bad.",
    ]

    code, out, err = run(store_path, tmp_path, "import", str(path), "--skip-bad", "--user", "admin")

    assert code == 0 and "1 added" in out and "1 skipped" in out
    assert err.startswith("skipped line 3: price:")


def test_pos_catalog_export_to_a_file_round_trips(store: Session, store_path: Path, tmp_path: Path) -> None:
    out_path = tmp_path / "export.csv"

    code, _, err = run(store_path, tmp_path, "export", "--output", str(out_path))
    code_again, out, _ = run(store_path, tmp_path, "import", str(out_path), "--user", "admin")

    assert code == 0 and "Exported 5 products" in err
    assert out_path.read_bytes().startswith(b"\xef\xbb\xbf" + HEADER.encode())
    assert code_again == 0 and "0 changed, 0 repriced, 5 unchanged" in out


def test_pos_catalog_export_writes_to_stdout(store: Session, store_path: Path, tmp_path: Path) -> None:
    code, out, _ = run(store_path, tmp_path, "export")

    assert code == 0
    assert out.splitlines()[0] == HEADER and len(out.splitlines()) == 6
